import type { EachBatchPayload } from 'kafkajs';
import type { Dispatcher, FetchedMessage } from '../dispatch/index.js';
import { RecordArena } from '../pool/record-arena.js';
import { legacyMessages, recordSetSegments, type AbortedTransaction } from '../pool/record-set.js';
import type { SharedBufferPool } from '../pool/shared-buffers.js';

/** The consumer option of our kafkajs (vendor/kafkajs, docs/decisions/0007): eachBatch gets record sets undecoded. */
export interface RawRecordSetsOption {
  rawRecordSets: boolean;
}

/** What a batch carries with `rawRecordSets` (its `messages` are empty). */
export interface RawRecordSetBatch {
  /** Complete record batches, a view into the fetch response. */
  recordSet: Buffer;
  abortedTransactions: AbortedTransaction[];
  /** The offset the fetch asked from; records before it are not this batch's. */
  fetchedOffset: string;
}

export interface BatchIntakeContext {
  dispatcher: Pick<Dispatcher, 'enqueueArena' | 'skipThrough'>;
  /** How many more records the dispatcher may take now (≤ 0: none). */
  room(): number;
  /** True once the consumer stops: batches are left alone. */
  stopping(): boolean;
  /**
   * Where the fetch responses come from, and arena indexes: an arena that points into a response
   * holds it, and its index, until its records complete.
   */
  responseBuffers?: Pick<SharedBufferPool, 'hold' | 'release'>;
  arenaIndexes?: Pick<SharedBufferPool, 'allocate' | 'release'>;
}

/** What `takeBatch` took of a batch: `taken` records, and the next offset to fetch (its position resolved). */
export interface TakenBatch {
  taken: number;
  nextOffset: number;
}

/**
 * Hands a fetched batch to the dispatcher without waiting for processing, taking only what fits
 * (`room()`): the rest is not resolved, so it is fetched again once there is room. With
 * `rawRecordSets` the record set is read in place (`RecordArena.fromSegments`); a broker on an
 * older Fetch version, or message format v0/v1, goes through kafkajs's decoder. Undefined when
 * the batch was left alone (stale, stopping, no room).
 */
export async function takeBatch(payload: EachBatchPayload, ctx: BatchIntakeContext): Promise<TakenBatch | undefined> {
  if (payload.isStale() || ctx.stopping()) return undefined;
  const raw = payload.batch as unknown as Partial<RawRecordSetBatch>;
  if (raw.recordSet == null) return takeMessages(payload, payload.batch.messages, ctx);
  const limit = ctx.room();
  if (limit <= 0) return undefined;
  const { recordSet, abortedTransactions = [], fetchedOffset = '0' } = raw;
  const segments = await recordSetSegments(recordSet, abortedTransactions);
  if (payload.isStale() || ctx.stopping()) return undefined;
  if (segments === undefined) {
    const messages = await legacyMessages(recordSet, fetchedOffset, abortedTransactions);
    if (payload.isStale() || ctx.stopping()) return undefined;
    return takeMessages(payload, messages, ctx);
  }
  const response = sharedResponse(recordSet, ctx);
  const indexes = ctx.arenaIndexes;
  const { arena, offsets } =
    response === undefined || indexes === undefined
      ? RecordArena.fromSegments(segments, Number(fetchedOffset), limit)
      : RecordArena.fromSegments(segments, Number(fetchedOffset), limit, (bytes) => indexes.allocate(bytes).buffer as SharedArrayBuffer);
  const { topic, partition } = payload.batch;
  const taken = offsets.length;
  const lastTaken = offsets[taken - 1];
  const release = arenaRelease(arena, response, ctx);
  if (taken > 0) ctx.dispatcher.enqueueArena(topic, partition, arena, offsets, release);
  else release?.();
  return advance(payload, ctx, taken, taken < limit, lastTaken);
}

/** The pooled response a record set is a view of (held for the arena about to be made), if it is one. */
function sharedResponse(recordSet: Buffer, ctx: BatchIntakeContext): SharedArrayBuffer | undefined {
  const buffer = recordSet.buffer;
  return buffer instanceof SharedArrayBuffer && ctx.responseBuffers?.hold(buffer) === true ? buffer : undefined;
}

/**
 * What gives back, once the arena's records completed, the hold on the response it may point
 * into and its index from the pool; the response's hold at once when the arena copied its records.
 */
function arenaRelease(arena: RecordArena, response: SharedArrayBuffer | undefined, ctx: BatchIntakeContext): (() => void) | undefined {
  const { responseBuffers, arenaIndexes } = ctx;
  if (response === undefined || responseBuffers === undefined) return undefined;
  if (arena.data !== response) {
    responseBuffers.release(response);
    return undefined;
  }
  const index = arena.buffer;
  return () => {
    responseBuffers.release(response);
    arenaIndexes?.release(index);
  };
}

/** Records kafkajs decoded: copied into an arena like a record set's. */
function takeMessages(payload: EachBatchPayload, messages: readonly FetchedMessage[], ctx: BatchIntakeContext): TakenBatch | undefined {
  const limit = ctx.room();
  if (limit <= 0) return undefined;
  const { topic, partition } = payload.batch;
  const taken = Math.min(messages.length, limit);
  const offsets = messages.slice(0, taken).map((m) => Number(m.offset));
  const lastTaken = offsets[taken - 1];
  if (taken > 0) ctx.dispatcher.enqueueArena(topic, partition, RecordArena.copyOf(messages, 0, taken), offsets);
  return advance(payload, ctx, taken, taken === messages.length, lastTaken);
}

/**
 * Moves the fetch position past what was taken; called after the records were enqueued, so the
 * tracker holds them before any skip. All taken: through the batch's last offset, past transaction
 * markers and aborted records at its end, which are not records to process, and the commit may
 * move over them once the records before them are done. The next fetch starts after the last
 * *resolved* offset: resolve at once, or the same records come back. What is committed is the
 * dispatcher's safe offset, never this one.
 */
function advance(payload: EachBatchPayload, ctx: BatchIntakeContext, taken: number, allTaken: boolean, lastTaken: number | undefined): TakenBatch {
  const { topic, partition } = payload.batch;
  let last: number;
  if (allTaken) {
    last = Number(payload.batch.lastOffset());
    ctx.dispatcher.skipThrough(topic, partition, last);
  } else last = lastTaken as number;
  payload.resolveOffset(String(last));
  return { taken, nextOffset: last + 1 };
}
