import type { IHeaders } from 'kafkajs';
import { RecordArena } from './record-arena.js';

/**
 * A fetched record on its way to a handler: what the dispatcher tracks and the pool ships to a
 * worker thread. Key and value stay raw bytes here; decoding happens in the worker thread.
 */
export interface DispatchRecord {
  topic: string;
  partition: number;
  /** Kafka offset as a number (exact below 2^53, like the rest of the toolkit). */
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  /** Record timestamp, epoch ms as kafkajs gives it (a decimal string). */
  timestamp: string;
  /** 1 on the first try; the dispatcher increments it on each retry. */
  attempt: number;
}

/**
 * A record as the dispatcher holds it and the pool ships it: its coordinates and attempt, with
 * its bytes in a `RecordArena` (record `slot` of it).
 */
export interface PooledRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly attempt: number;
  readonly arena: RecordArena;
  readonly slot: number;
}

/** The full record of a pooled one (key, value and headers are views into its arena). */
export function dispatchRecordOf(record: PooledRecord): DispatchRecord {
  const { arena, slot } = record;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: arena.key(slot),
    value: arena.value(slot),
    headers: arena.headers(slot),
    timestamp: String(arena.timestampMs(slot)),
    attempt: record.attempt,
  };
}

/** Pooled records of full ones, all in one new arena: for callers that have records in hand. */
export function pooledRecordsOf(records: readonly DispatchRecord[]): PooledRecord[] {
  const arena = RecordArena.copyOf(records);
  return records.map((r, slot) => ({ topic: r.topic, partition: r.partition, offset: r.offset, attempt: r.attempt, arena, slot }));
}

/** A record a handler asks to produce (to the output topic unless it names another). */
export interface OutputRecord {
  topic?: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer>;
}

/** What became of one record of a chunk, in the chunk's order. */
export type RecordOutcome =
  | { status: 'ok'; outputs: readonly OutputRecord[] }
  /** The handler threw: retry with backoff, then dead-letter. */
  | { status: 'failed'; error: string }
  /** The bytes could not be decoded: straight to the dead-letter topic, no retry. */
  | { status: 'undecodable'; error: string }
  /** The handler threw an error that retrying cannot fix (`retriable: false`): straight to the dead-letter topic, no retry. */
  | { status: 'rejected'; error: string }
  /**
   * Not run: an earlier record of the same ordering key failed in this chunk, and running this
   * one before that one's retry would break the key's order. It goes back behind the retry
   * without counting as an attempt.
   */
  | { status: 'skipped' };

/** The outcome of a record that ran and produced nothing: shared, never to be mutated. */
export const OK_WITHOUT_OUTPUTS: RecordOutcome = Object.freeze({ status: 'ok', outputs: Object.freeze([]) });

/** The outcome of a skipped record: shared, never to be mutated. */
export const SKIPPED: RecordOutcome = Object.freeze({ status: 'skipped' });

/**
 * Runs chunks of records on the worker pool. Records of one chunk run in the order given (so a
 * chunk may hold consecutive records of one key); the promise rejects only when the chunk could
 * not run at all (e.g. its worker thread died), in which case the whole chunk is to be retried.
 */
export interface ChunkExecutor {
  /**
   * `orderTags`, one per record: records with the same non-zero tag share an ordering key, so
   * once one of them fails the later ones come back `skipped`; 0 (or no tags) marks records
   * independent of each other.
   */
  run(records: readonly PooledRecord[], orderTags?: readonly number[]): Promise<RecordOutcome[]>;
  /** Chunks waiting for a free thread, for metrics. */
  readonly queued: number;
  /**
   * Thread time spent running chunks since start, ms, summed over the threads: lets the
   * dispatcher size chunks by the measured time per record. Absent: it times each chunk's round trip.
   */
  readonly busyMs?: number;
  /**
   * Keyed state: the group took `partitions` of `topic` away. Each thread that ran records of
   * them calls its handler's `revoke` hook with their keys, after the chunks handed to it before
   * this call; what the hooks return comes back. Absent on an executor without keyed state.
   */
  revoke?(topic: string, partitions: readonly number[]): Promise<ReleasedState>;
  close(): Promise<void>;
}

/** What the handlers' `revoke` hooks returned for the keys of revoked partitions. */
export interface ReleasedState {
  /** Outputs to produce (open windows flushed, marked partial, …). */
  outputs: OutputRecord[];
  /** A hook that threw, or whose outputs could not be encoded, one line each: that state is lost. */
  errors: string[];
}
