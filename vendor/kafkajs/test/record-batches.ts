import { requireSrc } from './own-files.js';

// Record sets as a broker sends them, written by this package's own producer-side encoders.
const { RecordBatch } = requireSrc('./protocol/recordBatch/v0/index.js') as { RecordBatch(args: Record<string, unknown>): Promise<{ buffer: Buffer }> };
const Record = requireSrc('./protocol/recordBatch/record/v0/index.js') as (args: Record<string, unknown>) => unknown;
const Long = requireSrc('./utils/long.js') as { fromValue(v: number): unknown };
const MessageSet = requireSrc('./protocol/messageSet/index.js') as (args: Record<string, unknown>) => { buffer: Buffer };

/** One record batch (message format v2) of `count` records, values `v<offset delta>`. */
export async function recordBatch(firstOffset: number, count: number, options: { compression?: number } = {}): Promise<Buffer> {
  const encoded = await RecordBatch({
    firstOffset: Long.fromValue(firstOffset),
    lastOffsetDelta: count - 1,
    compression: options.compression ?? 0,
    records: Array.from({ length: count }, (_, i) => Record({ offsetDelta: i, key: null, value: Buffer.from(`v${i}`) })),
  });
  return Buffer.from(encoded.buffer);
}

/** A message set in message format v0 (before Kafka 0.11) with the given offsets, values `m<offset>`. */
export function legacyMessageSet(offsets: number[]): Buffer {
  const bytes = Buffer.from(MessageSet({ messageVersion: 0, compression: 0, entries: offsets.map((o) => ({ key: null, value: Buffer.from(`m${o}`) })) }).buffer);
  // the producer writes offset -1 for each entry; a broker's log has the real ones
  let at = 0;
  for (const offset of offsets) {
    bytes.writeBigInt64BE(BigInt(offset), at);
    at += 12 + bytes.readInt32BE(at + 8);
  }
  return bytes;
}
