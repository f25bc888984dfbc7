import type { ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`): the hash the Java producer
 * uses to place keyed records. 32-bit signed result, like Java's `int`.
 */
export function murmur2(data: Uint8Array, length: number = data.length): number {
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) | 0;
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // Java's switch falls through: 3 → 2 → 1.
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which breaks on MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

export type RecordKey = string | Uint8Array;

// String keys are encoded into one reused buffer: partitioning runs per record on the
// producer's hot path, and a fresh Buffer per key costs more than the hash itself.
const scratch = Buffer.allocUnsafe(1024);

/** murmur2 of a key as the Java client hashes it: strings as their UTF-8 bytes. */
export function murmur2Key(key: RecordKey): number {
  if (typeof key !== 'string') return murmur2(key);
  if (key.length * 3 <= scratch.length) return murmur2(scratch, scratch.write(key, 0, 'utf8'));
  return murmur2(Buffer.from(key, 'utf8'));
}

/** The partition the Java client picks for a keyed record: `toPositive(murmur2(key)) % n`. */
export function partitionForKey(key: RecordKey, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`partitionCount must be a positive integer (got ${partitionCount})`);
  }
  return toPositive(murmur2Key(key)) % partitionCount;
}

/**
 * A kafkajs partitioner that places keyed records exactly where the Java client would, honours an
 * explicit partition, and spreads keyless records round-robin over partitions with a leader.
 */
export const JavaCompatiblePartitioner: ICustomPartitioner = () => {
  let next = 0;
  return ({ partitionMetadata, message }) => {
    const count = partitionMetadata.length;
    if (typeof message.partition === 'number') return message.partition;
    if (message.key !== null && message.key !== undefined) return partitionForKey(message.key, count);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const pool = available.length > 0 ? available : partitionMetadata;
    next = (next + 1) % pool.length;
    return pool[next]?.partitionId ?? 0;
  };
};
