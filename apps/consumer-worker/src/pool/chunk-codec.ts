import type { IHeaders } from 'kafkajs';
import type { DispatchRecord, OutputRecord, RecordOutcome } from './executor.js';

/*
 * Wire format between the pool and its threads. A chunk (and its results) travels as ONE
 * ArrayBuffer, moved with a transfer list, plus a small metadata object of strings that are
 * shared by many records (topics) or rare (errors). Structured-cloning Buffers one by one
 * would copy each and cost a clone per record; this costs one copy into the buffer here and
 * none on the other side, where keys, values and headers are Buffer views over the buffer.
 *
 * Layout: a Float64Array index at offset 0 (numbers per record or output, see below), then
 * the bytes of keys, values and header blocks in index order. Length -1 means null.
 * Header block: u32 entry count, then per entry u32 name length, name (UTF-8), u8 kind
 * (0 string, 1 Buffer), u32 value length, value bytes. A repeated header is several entries.
 */

/** A chunk of records ready to post to a worker thread: transfer `buffer`. */
export interface PackedChunk {
  count: number;
  topics: string[];
  buffer: ArrayBuffer;
}

/** A chunk's results ready to post back: transfer `buffer`. */
export interface PackedResults {
  count: number;
  /** Number of float64 slots of the index. */
  indexLength: number;
  topics: string[];
  /** Per record: the error of a failed or undecodable record, '' for an ok one. */
  errors: string[];
  buffer: ArrayBuffer;
}

/** A record as unpacked in the worker thread: Buffers are views over the chunk's buffer. */
export interface ChunkRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Epoch ms. */
  timestamp: number;
  attempt: number;
  key: Buffer | null;
  value: Buffer | null;
  /** UTF-8 text of each header; a repeated header keeps its last value. */
  headers: Record<string, string>;
}

const RECORD_SLOTS = 8; // topic, partition, offset, timestamp, attempt, key, value, headers length
const OUTCOME_SLOTS = 2; // status, output count
const OUTPUT_SLOTS = 4; // topic (-1: default), key, value, headers length
const NULL_LENGTH = -1;
const STRING_KIND = 0;
const BUFFER_KIND = 1;

const statusCodes = { ok: 0, failed: 1, undecodable: 2 } as const satisfies Record<RecordOutcome['status'], number>;

type HeaderEntryValue = string | Buffer;

function forEachHeader(headers: IHeaders | Record<string, HeaderEntryValue>, visit: (name: string, value: HeaderEntryValue) => void): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) visit(name, item);
    else visit(name, value);
  }
}

function headersSize(headers: IHeaders | Record<string, HeaderEntryValue>): number {
  let size = 4;
  forEachHeader(headers, (name, value) => {
    size += 9 + Buffer.byteLength(name, 'utf8') + (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length);
  });
  return size;
}

function writeHeaders(bytes: Buffer, start: number, headers: IHeaders | Record<string, HeaderEntryValue>): number {
  let pos = start + 4;
  let count = 0;
  forEachHeader(headers, (name, value) => {
    const nameLength = bytes.write(name, pos + 4, 'utf8');
    bytes.writeUInt32LE(nameLength, pos);
    pos += 4 + nameLength;
    if (typeof value === 'string') {
      bytes[pos] = STRING_KIND;
      const length = bytes.write(value, pos + 5, 'utf8');
      bytes.writeUInt32LE(length, pos + 1);
      pos += 5 + length;
    } else {
      bytes[pos] = BUFFER_KIND;
      bytes.writeUInt32LE(value.length, pos + 1);
      value.copy(bytes, pos + 5);
      pos += 5 + value.length;
    }
    count += 1;
  });
  bytes.writeUInt32LE(count, start);
  return pos - start;
}

// `asText`: the worker wants strings for handlers; the pool keeps Buffer values as Buffers.
function readHeaders(bytes: Buffer, start: number, asText: true): Record<string, string>;
function readHeaders(bytes: Buffer, start: number, asText: false): Record<string, HeaderEntryValue>;
function readHeaders(bytes: Buffer, start: number, asText: boolean): Record<string, HeaderEntryValue> {
  const headers: Record<string, HeaderEntryValue> = {};
  const count = bytes.readUInt32LE(start);
  let pos = start + 4;
  for (let i = 0; i < count; i += 1) {
    const nameLength = bytes.readUInt32LE(pos);
    const name = bytes.toString('utf8', pos + 4, pos + 4 + nameLength);
    pos += 4 + nameLength;
    const kind = bytes[pos];
    const length = bytes.readUInt32LE(pos + 1);
    pos += 5;
    headers[name] = asText || kind === STRING_KIND ? bytes.toString('utf8', pos, pos + length) : bytes.subarray(pos, pos + length);
    pos += length;
  }
  return headers;
}

function lengthOf(bytes: Buffer | null): number {
  return bytes === null ? NULL_LENGTH : bytes.length;
}

function writeBytes(target: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) return 0;
  bytes.copy(target, pos);
  return bytes.length;
}

function viewOf(bytes: Buffer, pos: number, length: number): Buffer | null {
  return length === NULL_LENGTH ? null : bytes.subarray(pos, pos + length);
}

function topicIndex(topics: string[], lookup: Map<string, number>, topic: string): number {
  let index = lookup.get(topic);
  if (index === undefined) {
    index = topics.push(topic) - 1;
    lookup.set(topic, index);
  }
  return index;
}

/** Packs records into one buffer (one copy of their bytes); the records are left untouched. */
export function packChunk(records: readonly DispatchRecord[]): PackedChunk {
  const count = records.length;
  const headerSizes = new Array<number>(count);
  let dataSize = 0;
  for (let i = 0; i < count; i += 1) {
    const record = records[i]!;
    const headersLength = headersSize(record.headers);
    headerSizes[i] = headersLength;
    dataSize += (record.key?.length ?? 0) + (record.value?.length ?? 0) + headersLength;
  }

  const indexBytes = count * RECORD_SLOTS * 8;
  const buffer = new ArrayBuffer(indexBytes + dataSize);
  const index = new Float64Array(buffer, 0, count * RECORD_SLOTS);
  const bytes = Buffer.from(buffer);
  const topics: string[] = [];
  const lookup = new Map<string, number>();
  let pos = indexBytes;
  for (let i = 0; i < count; i += 1) {
    const record = records[i]!;
    const slot = i * RECORD_SLOTS;
    index[slot] = topicIndex(topics, lookup, record.topic);
    index[slot + 1] = record.partition;
    index[slot + 2] = record.offset;
    index[slot + 3] = Number(record.timestamp);
    index[slot + 4] = record.attempt;
    index[slot + 5] = lengthOf(record.key);
    index[slot + 6] = lengthOf(record.value);
    index[slot + 7] = headerSizes[i]!;
    pos += writeBytes(bytes, pos, record.key);
    pos += writeBytes(bytes, pos, record.value);
    pos += writeHeaders(bytes, pos, record.headers);
  }
  return { count, topics, buffer };
}

/** Reads a packed chunk without copying key and value bytes (views over its buffer). */
export function unpackChunk(chunk: PackedChunk): ChunkRecord[] {
  const { count, topics, buffer } = chunk;
  const index = new Float64Array(buffer, 0, count * RECORD_SLOTS);
  const bytes = Buffer.from(buffer);
  const records = new Array<ChunkRecord>(count);
  let pos = count * RECORD_SLOTS * 8;
  for (let i = 0; i < count; i += 1) {
    const slot = i * RECORD_SLOTS;
    const keyLength = index[slot + 5]!;
    const valueLength = index[slot + 6]!;
    const key = viewOf(bytes, pos, keyLength);
    pos += Math.max(0, keyLength);
    const value = viewOf(bytes, pos, valueLength);
    pos += Math.max(0, valueLength);
    const headers = readHeaders(bytes, pos, true);
    pos += index[slot + 7]!;
    records[i] = {
      topic: topics[index[slot]!]!,
      partition: index[slot + 1]!,
      offset: index[slot + 2]!,
      timestamp: index[slot + 3]!,
      attempt: index[slot + 4]!,
      key,
      value,
      headers,
    };
  }
  return records;
}

/** Packs a chunk's outcomes, output bytes included, into one buffer. */
export function packResults(outcomes: readonly RecordOutcome[]): PackedResults {
  const count = outcomes.length;
  let indexLength = count * OUTCOME_SLOTS;
  let dataSize = 0;
  const headerSizes: number[] = [];
  for (const outcome of outcomes) {
    if (outcome.status !== 'ok') continue;
    indexLength += outcome.outputs.length * OUTPUT_SLOTS;
    for (const output of outcome.outputs) {
      const headersLength = headersSize(output.headers);
      headerSizes.push(headersLength);
      dataSize += (output.key?.length ?? 0) + (output.value?.length ?? 0) + headersLength;
    }
  }

  const indexBytes = indexLength * 8;
  const buffer = new ArrayBuffer(indexBytes + dataSize);
  const index = new Float64Array(buffer, 0, indexLength);
  const bytes = Buffer.from(buffer);
  const topics: string[] = [];
  const lookup = new Map<string, number>();
  const errors = new Array<string>(count);
  let slot = 0;
  let pos = indexBytes;
  let outputNumber = 0;
  for (let i = 0; i < count; i += 1) {
    const outcome = outcomes[i]!;
    index[slot] = statusCodes[outcome.status];
    if (outcome.status !== 'ok') {
      index[slot + 1] = 0;
      errors[i] = outcome.error;
      slot += OUTCOME_SLOTS;
      continue;
    }
    errors[i] = '';
    index[slot + 1] = outcome.outputs.length;
    slot += OUTCOME_SLOTS;
    for (const output of outcome.outputs) {
      index[slot] = output.topic === undefined ? -1 : topicIndex(topics, lookup, output.topic);
      index[slot + 1] = lengthOf(output.key);
      index[slot + 2] = lengthOf(output.value);
      index[slot + 3] = headerSizes[outputNumber]!;
      outputNumber += 1;
      slot += OUTPUT_SLOTS;
      pos += writeBytes(bytes, pos, output.key);
      pos += writeBytes(bytes, pos, output.value);
      pos += writeHeaders(bytes, pos, output.headers);
    }
  }
  return { count, indexLength, topics, errors, buffer };
}

/** Reads packed outcomes; output keys, values and Buffer headers are views over its buffer. */
export function unpackResults(results: PackedResults): RecordOutcome[] {
  const { count, indexLength, topics, errors, buffer } = results;
  const index = new Float64Array(buffer, 0, indexLength);
  const bytes = Buffer.from(buffer);
  const outcomes = new Array<RecordOutcome>(count);
  let slot = 0;
  let pos = indexLength * 8;
  for (let i = 0; i < count; i += 1) {
    const status = index[slot]!;
    const outputCount = index[slot + 1]!;
    slot += OUTCOME_SLOTS;
    if (status === statusCodes.failed || status === statusCodes.undecodable) {
      outcomes[i] = { status: status === statusCodes.failed ? 'failed' : 'undecodable', error: errors[i] ?? '' };
      continue;
    }
    const outputs = new Array<OutputRecord>(outputCount);
    for (let o = 0; o < outputCount; o += 1) {
      const topic = index[slot]!;
      const keyLength = index[slot + 1]!;
      const valueLength = index[slot + 2]!;
      const headersLength = index[slot + 3]!;
      slot += OUTPUT_SLOTS;
      const key = viewOf(bytes, pos, keyLength);
      pos += Math.max(0, keyLength);
      const value = viewOf(bytes, pos, valueLength);
      pos += Math.max(0, valueLength);
      const output: OutputRecord = { key, value, headers: readHeaders(bytes, pos, false) };
      pos += headersLength;
      if (topic !== -1) output.topic = topics[topic]!;
      outputs[o] = output;
    }
    outcomes[i] = { status: 'ok', outputs };
  }
  return outcomes;
}
