import { OK_WITHOUT_OUTPUTS, SKIPPED, type OutputRecord, type RecordOutcome } from './executor.js';

/*
 * Wire format of a chunk's outcomes on their way back from a worker thread: one transferred
 * ArrayBuffer for the output records (a Float64Array index, then key, value and header bytes;
 * length -1 means null), strings that are rare (errors) or shared (topics) beside it. A chunk
 * whose records all ran and produced nothing (a noop or filter handler: the common case) sends
 * its count and timings only.
 *
 * Header block of an output: u32 entry count, then per entry u32 name length, name (UTF-8),
 * u8 kind (0 string, 1 Buffer), u32 value length, value bytes.
 */

/** Handler time of a chunk's records, as counts over `HANDLER_SECONDS_BUCKETS`. */
export interface ChunkTimings {
  /** A typed array: it crosses to the main thread as bytes, not as a number per bucket. */
  counts: Float64Array;
  sum: number;
}

/**
 * A chunk whose records all ran and produced nothing (a noop or filter handler: the common case):
 * no outcome, buffer or list at all, so the message back is as small as it gets.
 */
export interface AllOkResults {
  count: number;
  allOk: true;
  handlerSeconds?: ChunkTimings;
  /** Time the thread spent on the chunk, decoding and packing included, ms. */
  runMs?: number;
}

/** A chunk's results with an outcome per record: transfer `buffer`. */
export interface DetailedResults {
  count: number;
  allOk: false;
  /** Number of float64 slots of the index. */
  indexLength: number;
  topics: string[];
  /** Per record: the error of a failed, undecodable or rejected record, '' otherwise. */
  errors: string[];
  buffer: ArrayBuffer;
  handlerSeconds?: ChunkTimings;
  /** Time the thread spent on the chunk, decoding and packing included, ms. */
  runMs?: number;
}

/** A chunk's results ready to post back. */
export type PackedResults = AllOkResults | DetailedResults;

const OUTCOME_SLOTS = 2; // status, output count
const OUTPUT_SLOTS = 4; // topic (-1: default), key length, value length, headers length
const NULL_LENGTH = -1;
const STRING_KIND = 0;
const BUFFER_KIND = 1;

const statusCodes = { ok: 0, failed: 1, undecodable: 2, skipped: 3, rejected: 4 } as const satisfies Record<RecordOutcome['status'], number>;

type HeaderEntryValue = string | Buffer;

function headersSize(headers: Record<string, HeaderEntryValue>): number {
  let size = 4;
  for (const name in headers) {
    const value = headers[name] as HeaderEntryValue;
    size += 9 + Buffer.byteLength(name, 'utf8') + (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length);
  }
  return size;
}

function writeHeaders(bytes: Buffer, start: number, headers: Record<string, HeaderEntryValue>): number {
  let pos = start + 4;
  let count = 0;
  for (const name in headers) {
    const value = headers[name] as HeaderEntryValue;
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
  }
  bytes.writeUInt32LE(count, start);
  return pos - start;
}

function readHeaders(bytes: Buffer, start: number): Record<string, HeaderEntryValue> {
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
    headers[name] = kind === STRING_KIND ? bytes.toString('utf8', pos, pos + length) : bytes.subarray(pos, pos + length);
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

/** Packs a chunk's outcomes, output bytes included, into one buffer. */
export function packResults(outcomes: readonly RecordOutcome[], handlerSeconds?: ChunkTimings): PackedResults {
  const count = outcomes.length;
  let allOk = true;
  for (let i = 0; i < count && allOk; i += 1) {
    const outcome = outcomes[i]!;
    allOk = outcome.status === 'ok' && outcome.outputs.length === 0;
  }
  if (allOk) return withTimings({ count, allOk: true }, handlerSeconds);

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
      errors[i] = outcome.status === 'skipped' ? '' : outcome.error;
      slot += OUTCOME_SLOTS;
      continue;
    }
    errors[i] = '';
    index[slot + 1] = outcome.outputs.length;
    slot += OUTCOME_SLOTS;
    for (const output of outcome.outputs) {
      let topic = -1;
      if (output.topic !== undefined) {
        topic = lookup.get(output.topic) ?? topics.push(output.topic) - 1;
        lookup.set(output.topic, topic);
      }
      index[slot] = topic;
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
  return withTimings({ count, allOk: false, indexLength, topics, errors, buffer }, handlerSeconds);
}

function withTimings<R extends PackedResults>(results: R, handlerSeconds: ChunkTimings | undefined): R {
  if (handlerSeconds !== undefined) results.handlerSeconds = handlerSeconds;
  return results;
}

/** Reads packed outcomes; output keys, values and Buffer headers are views over its buffer. */
export function unpackResults(results: PackedResults): RecordOutcome[] {
  if (results.allOk) return new Array<RecordOutcome>(results.count).fill(OK_WITHOUT_OUTPUTS);
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
    if (status === statusCodes.failed || status === statusCodes.undecodable || status === statusCodes.rejected) {
      outcomes[i] = { status: status === statusCodes.failed ? 'failed' : status === statusCodes.undecodable ? 'undecodable' : 'rejected', error: errors[i] ?? '' };
      continue;
    }
    if (status === statusCodes.skipped) {
      outcomes[i] = SKIPPED;
      continue;
    }
    if (outputCount === 0) {
      outcomes[i] = OK_WITHOUT_OUTPUTS;
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
      const output: OutputRecord = { key, value, headers: readHeaders(bytes, pos) };
      pos += headersLength;
      if (topic !== -1) output.topic = topics[topic]!;
      outputs[o] = output;
    }
    outcomes[i] = { status: 'ok', outputs };
  }
  return outcomes;
}
