/*
 * Reading Kafka's record format (magic 2) from bytes: zigzag varints, and the shapes the record-set
 * reader (record-set.ts, main thread) hands the arena. No dependencies, so worker threads, which
 * read headers from an arena's bytes, load only this.
 */

/** The records of one record batch to consume: uncompressed bytes, and what their offsets and timestamps count from. */
export interface RecordSegment {
  /** The records, back to back (decompressed if the batch was compressed). */
  records: Buffer;
  /** How many records `records` holds. */
  count: number;
  baseOffset: number;
  baseTimestamp: number;
  /** The broker's append time, for every record, on a topic with LogAppendTime; else undefined. */
  logAppendTime: number | undefined;
}

/** A record set this reader cannot take apart: corrupt bytes, or a compression codec not registered. */
export class RecordSetError extends Error {
  override readonly name = 'RecordSetError';
}

// The position after the last varint read: a module variable instead of an object per read.
let varintEnd = 0;

/** A zigzag varint (int32) at `at`; sets `varintEnd`. */
export function readVarint(buffer: Buffer, at: number): number {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    if (at >= buffer.length || shift > 28) throw new RecordSetError('corrupt record: varint runs past its record');
    byte = buffer[at++] as number;
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  varintEnd = at;
  return (value >>> 1) ^ -(value & 1);
}

/** A zigzag varlong at `at` as a number (exact within ±2^52, far past any timestamp delta); sets `varintEnd`. */
export function readVarlong(buffer: Buffer, at: number): number {
  let value = 0;
  let scale = 1;
  let byte: number;
  do {
    if (at >= buffer.length || scale > 2 ** 63) throw new RecordSetError('corrupt record: varlong runs past its record');
    byte = buffer[at++] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80);
  varintEnd = at;
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

export function lastVarintEnd(): number {
  return varintEnd;
}
