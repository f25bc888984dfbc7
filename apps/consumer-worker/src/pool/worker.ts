import { workerData } from 'node:worker_threads';
import type * as Codecs from '@lagscale/codecs/value';
import type * as PiscinaModule from 'piscina';
import { isNonRetriable, type Handler, type HandlerOutput, type HandlerRecord } from '../handlers/handler.js';
import { loadHandler } from '../handlers/registry.js';
import { BucketCounts } from '@lagscale/kafka-core/thread';
import { HANDLER_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { ChunkView, type PackedChunk } from './chunk-codec.js';
import { LazyRecord } from './lazy-record.js';
import { OK_WITHOUT_OUTPUTS, SKIPPED, type OutputRecord, type RecordOutcome } from './executor.js';
import { packResults, type PackedResults } from './result-codec.js';

/** What the pool hands each thread at start (piscina passes its `workerData` on as the thread's). */
export interface WorkerSetup {
  handler: string;
  handlerOptions: Record<string, string>;
  /** Keyed state: this thread owns the keys routed to it and remembers them per partition for `revoke`. */
  keyed: boolean;
}

// one handler per thread, loaded by the first task (an empty warm-up chunk from `start()`)
let handlerPromise: Promise<Handler> | undefined;

function threadHandler(): Promise<Handler> {
  if (handlerPromise === undefined) {
    const setup = workerData as WorkerSetup;
    handlerPromise = loadHandler(setup.handler, setup.handlerOptions);
  }
  return handlerPromise;
}

// The codecs package (with the compression libraries it loads) is imported on first use: a
// thread whose handler neither reads values nor produces outputs (noop) starts without it.
let codecsModule: typeof Codecs | undefined;

async function loadCodecs(): Promise<typeof Codecs> {
  codecsModule ??= await import('@lagscale/codecs/value');
  return codecsModule;
}

/**
 * The keys a thread ran per partition since it got them, for the handler's `revoke` hook (keyed
 * state only, and only for a handler that has the hook): one set add per record.
 */
export class PartitionKeys {
  readonly #keys = new Map<string, Set<string | null>>();

  add(topic: string, partition: number, key: string | null): void {
    const id = `${partition}:${topic}`;
    let keys = this.#keys.get(id);
    if (keys === undefined) {
      keys = new Set();
      this.#keys.set(id, keys);
    }
    keys.add(key);
  }

  /** The partition's keys, forgotten here. */
  take(topic: string, partition: number): Array<string | null> {
    const id = `${partition}:${topic}`;
    const keys = this.#keys.get(id);
    this.#keys.delete(id);
    return keys === undefined ? [] : [...keys];
  }
}

let partitionKeys: PartitionKeys | undefined;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Encodes one handler output; throws (a `CodecError`) when the value does not fit its codec. */
export function encodeOutput(output: HandlerOutput, codecs: typeof Codecs): OutputRecord {
  const codec = codecs.getCodec(output.codec ?? 'json');
  const value = output.value === null ? null : codec.encode(output.value);
  const headers: Record<string, string | Buffer> = { ...output.headers };
  if (value !== null && headers[codecs.CONTENT_TYPE_HEADER] === undefined) headers[codecs.CONTENT_TYPE_HEADER] = codec.contentType;
  const key = typeof output.key === 'string' ? Buffer.from(output.key, 'utf8') : (output.key ?? null);
  const record: OutputRecord = { key, value, headers };
  if (output.topic !== undefined) record.topic = output.topic;
  return record;
}

function settle(result: HandlerOutput[], codecs: typeof Codecs): RecordOutcome {
  try {
    return { status: 'ok', outputs: result.map((output) => encodeOutput(output, codecs)) };
  } catch (error) {
    // the same outputs would fail the same way on every retry
    return { status: 'rejected', error: `handler output cannot be encoded: ${errorText(error)}` };
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * Runs a chunk's records through the thread's handler, one after another in chunk order, and
 * returns one outcome per record. Never rejects for a record's sake: bad bytes are
 * `undecodable`, a throwing handler is `failed`, or `rejected` when its error is not retriable. Once a record fails, the later records with
 * its order tag (its ordering key) are not run but come back `skipped`, so a handler never sees
 * a key's records out of order. Handler time per record is counted into `timings`.
 */
export async function runChunk(handler: Handler, chunk: ChunkView, timings?: BucketCounts, keys?: PartitionKeys): Promise<RecordOutcome[]> {
  const count = chunk.count;
  const outcomes = new Array<RecordOutcome>(count);
  const codecs = handler.readsValue === false ? undefined : (codecsModule ?? (await loadCodecs()));
  let failedTags: Set<number> | undefined;
  // A record's handler time runs from the end of the last clock read (the previous record's end,
  // or its own decode) to its own end: one read per record, not two. A clock read costs about as
  // much as a noop handler call with its record; what falls between is a few ns of bookkeeping.
  let markMs = performance.now();
  for (let i = 0; i < count; i += 1) {
    const tag = chunk.orderTag(i);
    if (failedTags !== undefined && tag !== 0 && failedTags.has(tag)) {
      outcomes[i] = SKIPPED;
      continue;
    }
    let record: HandlerRecord;
    if (codecs === undefined) record = new LazyRecord(chunk, i, undefined);
    else {
      const headers = chunk.headers(i);
      const rawValue = chunk.value(i);
      const decoded = codecs.decodeRecordValue(rawValue, headers, codecs.jsonCodec);
      markMs = performance.now();
      if (!decoded.ok) {
        // dead-lettered at once, never retried: not a failure its key's later records wait for
        outcomes[i] = { status: 'undecodable', error: decoded.error.message };
        continue;
      }
      record = new LazyRecord(chunk, i, decoded.value, rawValue, headers);
    }
    keys?.add(record.topic, record.partition, record.key);
    let outcome: RecordOutcome;
    try {
      let result = handler.handle(record);
      // sync handlers skip the awaits: a microtask per record is measurable at 256 per chunk
      if (isPromise(result)) result = await result;
      outcome = result === undefined || result.length === 0 ? OK_WITHOUT_OUTPUTS : settle(result, codecsModule ?? (await loadCodecs()));
    } catch (error) {
      // An error that says retrying cannot help (a value the handler cannot parse) is settled
      // like undecodable bytes: dead-lettered now, and its key's later records go on.
      outcome = isNonRetriable(error) ? { status: 'rejected', error: errorText(error) } : { status: 'failed', error: errorText(error) };
    }
    const endMs = performance.now();
    timings?.observe((endMs - markMs) / 1_000);
    markMs = endMs;
    if (outcome.status === 'failed' && tag !== 0) (failedTags ??= new Set()).add(tag);
    outcomes[i] = outcome;
  }
  return outcomes;
}

/** The piscina task: a chunk index in (the bytes are in shared arenas), its packed results out, moved, not copied. */
export default async function runPackedChunk(packed: PackedChunk): Promise<unknown> {
  const handler = await threadHandler();
  if (partitionKeys === undefined && handler.revoke !== undefined && (workerData as WorkerSetup).keyed) partitionKeys = new PartitionKeys();
  const startedMs = performance.now();
  const timings = new BucketCounts(HANDLER_SECONDS_BUCKETS);
  const view = new ChunkView(packed);
  let outcomes: RecordOutcome[];
  try {
    outcomes = await runChunk(handler, view, timings, partitionKeys);
  } finally {
    view.close();
  }
  const results = packResults(outcomes, { counts: timings.counts, sum: timings.sum });
  results.runMs = performance.now() - startedMs;
  return moved(results);
}

/** A task of the keyed pool: partitions of a topic the group took away. */
export interface RevokeTask {
  topic: string;
  partitions: number[];
}

/**
 * Calls the handler's `revoke` hook for each partition this thread ran records of, with their
 * keys; one outcome per such partition (its outputs, or why it failed).
 */
export async function revokeKeys(handler: Handler, keys: PartitionKeys, task: RevokeTask): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  if (handler.revoke === undefined) return outcomes;
  for (const partition of task.partitions) {
    const revoked = keys.take(task.topic, partition);
    if (revoked.length === 0) continue;
    try {
      const result = await handler.revoke({ topic: task.topic, partition, keys: revoked });
      outcomes.push(result === undefined || result.length === 0 ? OK_WITHOUT_OUTPUTS : settle(result, codecsModule ?? (await loadCodecs())));
    } catch (error) {
      outcomes.push({ status: 'failed', error: `revoke of ${task.topic}-${partition} (${revoked.length} keys) failed: ${errorText(error)}` });
    }
  }
  return outcomes;
}

/** The piscina task named `revokePartitions` (keyed state only): packed outcomes, one per partition with keys. */
export async function revokePartitions(task: RevokeTask): Promise<unknown> {
  const handler = await threadHandler();
  return moved(packResults(partitionKeys === undefined ? [] : await revokeKeys(handler, partitionKeys, task)));
}

// piscina's main module (the whole pool, about 40 ms of a thread's start) is loaded only to move
// an output buffer: a thread whose handler produces nothing never loads it.
let piscinaModule: typeof PiscinaModule | undefined;

async function moved(results: PackedResults): Promise<unknown> {
  // results without outputs send no bytes, so there is nothing to move
  if (results.allOk || results.buffer.byteLength === 0) return results;
  const { Piscina } = (piscinaModule ??= await import('piscina'));
  const movable = {
    [Piscina.transferableSymbol]: [results.buffer],
    [Piscina.valueSymbol]: results,
  };
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}
