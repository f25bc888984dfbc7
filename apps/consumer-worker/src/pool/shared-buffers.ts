/** How `SharedBufferPool` sizes and bounds what it keeps. */
export interface SharedBufferPoolOptions {
  /** Free buffers kept for reuse, in bytes at most; past it a released buffer is left to the collector. */
  maxFreeBytes: number;
  /** New buffers are made a multiple of this, so responses of nearby sizes can take each other's. */
  granularity: number;
}

/** For fetch responses: up to ~10 MB each (kafkajs's `maxBytes`), a few in use at once. */
export const DEFAULT_SHARED_BUFFER_POOL: SharedBufferPoolOptions = { maxFreeBytes: 32 * 1024 * 1024, granularity: 1024 * 1024 };

/** For arena indexes: 64 bytes a record, some 7,000 records (448 KB) of 100 B in a partition's 1 MB of a fetch. */
export const ARENA_INDEX_POOL: SharedBufferPoolOptions = { maxFreeBytes: 16 * 1024 * 1024, granularity: 64 * 1024 };

/** What a pool did so far: buffers it made, and allocations it served from released buffers. */
export interface SharedBufferPoolStats {
  allocated: number;
  reused: number;
  /** Bytes of the free buffers kept now. */
  freeBytes: number;
}

/**
 * Fetch responses in SharedArrayBuffers that are used again once nothing reads them.
 *
 * A consumer's fetch responses are its largest memory traffic (every record's bytes), and the
 * worker threads read records where they were fetched (0029), so each response used to be a new
 * SharedArrayBuffer: new memory, whose first touches (page faults) cost more than the copy into
 * it. A buffer here is counted by holds: `allocate` gives it with one (the fetch loop's, given back
 * through `release` once it no longer uses the response's batches), and each reader that keeps it
 * past that (an arena pointing into it) adds one with `hold` and gives it back with `release`.
 * At zero holds it goes to the free list, and the next response that fits takes it. A buffer that
 * is never given back (a response that was not a fetch, a revoked partition's records) is simply
 * collected like any other; only what every holder released is reused, so a missed release costs
 * reuse, never data.
 */
export class SharedBufferPool {
  /** Free buffers by capacity, smallest first. */
  readonly #free: SharedArrayBuffer[] = [];
  #freeBytes = 0;
  readonly #holds = new WeakMap<SharedArrayBuffer, number>();
  #allocated = 0;
  #reused = 0;

  constructor(private readonly options: SharedBufferPoolOptions = DEFAULT_SHARED_BUFFER_POOL) {}

  /**
   * A Buffer of exactly `size` bytes over a SharedArrayBuffer, with one hold: a free buffer that
   * fits (and is at most twice the size, so a small response does not pin a large buffer) or a new
   * one. A reused buffer still holds its last bytes; whoever fills it writes all `size` of them.
   */
  allocate(size: number): Buffer {
    let buffer: SharedArrayBuffer | undefined;
    const limit = 2 * size + this.options.granularity;
    for (let i = 0; i < this.#free.length; i += 1) {
      const candidate = this.#free[i] as SharedArrayBuffer;
      if (candidate.byteLength < size) continue;
      if (candidate.byteLength <= limit) {
        buffer = candidate;
        this.#free.splice(i, 1);
        this.#freeBytes -= candidate.byteLength;
        this.#reused += 1;
      }
      break;
    }
    if (buffer === undefined) {
      const granularity = this.options.granularity;
      buffer = new SharedArrayBuffer(Math.max(granularity, Math.ceil(size / granularity) * granularity));
      this.#allocated += 1;
    }
    this.#holds.set(buffer, 1);
    return Buffer.from(buffer, 0, size);
  }

  /** Adds a hold on a buffer this pool gave out and not all holders released yet; false (no hold) for any other. */
  hold(buffer: SharedArrayBuffer): boolean {
    const holds = this.#holds.get(buffer);
    if (holds === undefined) return false;
    this.#holds.set(buffer, holds + 1);
    return true;
  }

  /** Gives back one hold; the last one puts the buffer on the free list (or leaves it to the collector). Others are ignored. */
  release(buffer: SharedArrayBuffer): void {
    const holds = this.#holds.get(buffer);
    if (holds === undefined) return;
    if (holds > 1) {
      this.#holds.set(buffer, holds - 1);
      return;
    }
    this.#holds.delete(buffer);
    if (this.#freeBytes + buffer.byteLength > this.options.maxFreeBytes) return;
    let at = 0;
    while (at < this.#free.length && (this.#free[at] as SharedArrayBuffer).byteLength < buffer.byteLength) at += 1;
    this.#free.splice(at, 0, buffer);
    this.#freeBytes += buffer.byteLength;
  }

  /** Gives back the fetch loop's hold on every response the batches of one fetch point into (each once). */
  releaseFetched(recordSets: Iterable<{ buffer: ArrayBufferLike } | null | undefined>): void {
    // a fetch's batches are views of one response (a handful of batches): a short list, not a Set
    const released: SharedArrayBuffer[] = [];
    for (const recordSet of recordSets) {
      const buffer = recordSet?.buffer;
      if (!(buffer instanceof SharedArrayBuffer) || released.includes(buffer)) continue;
      released.push(buffer);
      this.release(buffer);
    }
  }

  stats(): SharedBufferPoolStats {
    return { allocated: this.#allocated, reused: this.#reused, freeBytes: this.#freeBytes };
  }
}
