import { CONTENT_TYPE_HEADER, decodeRecordValue, getCodec, jsonCodec } from '@lagscale/codecs';
import { Piscina } from 'piscina';
import type { Handler, HandlerOutput, HandlerRecord, HandlerResult } from '../handlers/handler.js';
import { loadHandler } from '../handlers/registry.js';
import { packResults, unpackChunk, type ChunkRecord, type PackedChunk } from './chunk-codec.js';
import type { OutputRecord, RecordOutcome } from './executor.js';

/** What the pool hands each thread at start (piscina `workerData`). */
export interface WorkerSetup {
  handler: string;
  handlerOptions: Record<string, string>;
}

// one handler per thread, loaded by the first task (an empty warm-up chunk from `start()`)
let handlerPromise: Promise<Handler> | undefined;

function threadHandler(): Promise<Handler> {
  if (handlerPromise === undefined) {
    const setup = Piscina.workerData as WorkerSetup;
    handlerPromise = loadHandler(setup.handler, setup.handlerOptions);
  }
  return handlerPromise;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Encodes one handler output; throws (a `CodecError`) when the value does not fit its codec. */
export function encodeOutput(output: HandlerOutput): OutputRecord {
  const codec = getCodec(output.codec ?? 'json');
  const value = output.value === null ? null : codec.encode(output.value);
  const headers: Record<string, string | Buffer> = { ...output.headers };
  if (value !== null && headers[CONTENT_TYPE_HEADER] === undefined) headers[CONTENT_TYPE_HEADER] = codec.contentType;
  const key = typeof output.key === 'string' ? Buffer.from(output.key, 'utf8') : (output.key ?? null);
  const record: OutputRecord = { key, value, headers };
  if (output.topic !== undefined) record.topic = output.topic;
  return record;
}

function toHandlerRecord(record: ChunkRecord, value: unknown): HandlerRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    attempt: record.attempt,
    key: record.key === null ? null : record.key.toString('utf8'),
    value,
    rawValue: record.value,
    headers: record.headers,
  };
}

function settle(result: HandlerResult): RecordOutcome {
  if (result === undefined) return { status: 'ok', outputs: [] };
  try {
    return { status: 'ok', outputs: result.map(encodeOutput) };
  } catch (error) {
    return { status: 'failed', error: `handler output cannot be encoded: ${errorText(error)}` };
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * Runs a chunk's records through the thread's handler, one after another in chunk order, and
 * returns one outcome per record. Never rejects for a record's sake: bad bytes are
 * `undecodable`, a throwing handler is `failed`. Only a broken handler module rejects.
 */
export async function runRecords(handler: Handler, records: readonly ChunkRecord[]): Promise<RecordOutcome[]> {
  const outcomes = new Array<RecordOutcome>(records.length);
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i]!;
    const decoded = decodeRecordValue(record.value, record.headers, jsonCodec);
    if (!decoded.ok) {
      outcomes[i] = { status: 'undecodable', error: decoded.error.message };
      continue;
    }
    try {
      const result = handler.handle(toHandlerRecord(record, decoded.value));
      // sync handlers skip the await: a microtask per record is measurable at 256 per chunk
      outcomes[i] = settle(isPromise(result) ? await result : result);
    } catch (error) {
      outcomes[i] = { status: 'failed', error: errorText(error) };
    }
  }
  return outcomes;
}

/** The piscina task: a packed chunk in, its packed results out, both buffers moved, not copied. */
export default async function runChunk(chunk: PackedChunk): Promise<unknown> {
  const handler = await threadHandler();
  const results = packResults(await runRecords(handler, unpackChunk(chunk)));
  const movable = {
    [Piscina.transferableSymbol]: [results.buffer],
    [Piscina.valueSymbol]: results,
  };
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}

