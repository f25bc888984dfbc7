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
  // most of a record's varints (key and header lengths, offset deltas) take one byte
  const first = buffer[at];
  if (first !== undefined && first < 0x80) {
    varintEnd = at + 1;
    return (first >>> 1) ^ -(first & 1);
  }
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
  const first = buffer[at];
  if (first !== undefined && first < 0x80) {
    varintEnd = at + 1;
    return first % 2 === 0 ? first / 2 : -(first + 1) / 2;
  }
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

/**
 * The 32-bit FNV-1a hash of `bytes[start..end)`: the key hash the dispatcher's lanes and keyed
 * state's routing use (`RecordArena.keyHash`).
 */
export function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash >>> 0;
}
