/**
 * A small, fast, seeded pseudo-random generator (mulberry32): one 32-bit word of state, so a
 * workload can reseed it per record for free. Good enough for synthetic data; never for secrets.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Restarts the sequence at `seed` (a 32-bit value, e.g. from `mixSeed`). */
  reseed(seed: number): void {
    this.state = seed >>> 0;
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

// murmur3's finalizer: every input bit flips about half the output bits.
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A well-mixed 32-bit seed from a 32-bit `base` and any safe integer `n` (a sequence number,
 * a seed option): derives per-record and per-stream seeds so nearby inputs look unrelated.
 */
export function mixSeed(base: number, n: number): number {
  // sequence numbers pass 2^32 on long runs: fold the high word in too
  const high = Math.floor(n / 4_294_967_296) >>> 0;
  return fmix32(fmix32((base ^ Math.imul(high, 0x9e3779b1)) >>> 0) ^ (n >>> 0));
}

/** A well-mixed 32-bit hash of a string (FNV-1a, then murmur3's finalizer). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}
