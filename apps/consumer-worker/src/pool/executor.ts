import type { IHeaders } from 'kafkajs';

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

/** A record a handler asks to produce (to the output topic unless it names another). */
export interface OutputRecord {
  topic?: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer>;
}

/** What became of one record of a chunk, in the chunk's order. */
export type RecordOutcome =
  | { status: 'ok'; outputs: OutputRecord[] }
  /** The handler threw: retry with backoff, then dead-letter. */
  | { status: 'failed'; error: string }
  /** The bytes could not be decoded: straight to the dead-letter topic, no retry. */
  | { status: 'undecodable'; error: string };

/**
 * Runs chunks of records on the worker pool. Records of one chunk run in the order given (so a
 * chunk may hold consecutive records of one key); the promise rejects only when the chunk could
 * not run at all (e.g. its worker thread died), in which case the whole chunk is to be retried.
 */
export interface ChunkExecutor {
  run(records: readonly DispatchRecord[]): Promise<RecordOutcome[]>;
  /** Chunks waiting for a free thread, for backpressure and metrics. */
  readonly queued: number;
  close(): Promise<void>;
}
