import { z } from 'zod';
import { mixSeed, Prng } from './prng.js';
import type { Workload, WorkloadOptions } from './workload.js';

/** Validates a bytes value: any Buffer (the size is the producer's option, not the schema's). */
export const bytesValueSchema = z.instanceof(Buffer);

const POOL_MIN_BYTES = 64 * 1024;
// the sequence number in the first bytes makes every value differ, even from the same pool offset
const SEQ_STAMP_BYTES = 8;
// separate stream so one seed gives unrelated sequences to each workload
const BYTES_STREAM = 0xb17e5;

/**
 * Fixed-size opaque values. Each is a fresh Buffer (the caller may keep or hand it off) copied
 * from a random pool built once, at an offset chosen by the sequence number, with the sequence
 * number in its first 8 bytes (little-endian).
 */
export function createBytesWorkload(options: WorkloadOptions): Workload<Buffer> {
  const { sizeBytes } = options;
  const seedHash = mixSeed(BYTES_STREAM, options.seed);
  const pool = Buffer.allocUnsafe(Math.max(POOL_MIN_BYTES, 2 * sizeBytes));
  const rng = new Prng(seedHash);
  for (let i = 0; i < pool.length; i += 1) pool[i] = rng.nextUint32() & 0xff;
  const offsets = pool.length - sizeBytes + 1;
  const stampBytes = Math.min(SEQ_STAMP_BYTES, sizeBytes);
  return {
    name: 'bytes',
    generate({ seq }) {
      const value = Buffer.allocUnsafe(sizeBytes);
      const start = mixSeed(seedHash, seq) % offsets;
      pool.copy(value, 0, start, start + sizeBytes);
      let rest = seq;
      for (let i = 0; i < stampBytes; i += 1) {
        value[i] = rest % 256;
        rest = Math.floor(rest / 256);
      }
      return value;
    },
  };
}
