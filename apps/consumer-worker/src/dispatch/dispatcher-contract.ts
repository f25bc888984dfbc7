import type { IHeaders } from 'kafkajs';
import type { ChunkExecutor, DispatchRecord, OutputRecord, PooledRecord, ReleasedState } from '../pool/executor.js';
import type { DispatcherClock } from './clock.js';

/** A fetched message as kafkajs hands it over (`KafkaMessage`), the offset a decimal string. */
export interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders | undefined;
  timestamp: string;
}

/** What the dispatcher drives: the pool, the producer side and the consumer's pause/resume. */
export interface DispatcherHooks {
  executor: ChunkExecutor;
  /** Produces a record's outputs; the record counts as done once this resolves. Not called for no outputs. */
  onOutputs(record: PooledRecord, outputs: readonly OutputRecord[]): Promise<void>;
  /** Produces a record to the dead-letter topic; the record counts as done once this resolves. */
  onDeadLetter(record: DispatchRecord, reason: string, attempts: number): Promise<void>;
  /**
   * Keyed state: what the handlers flushed for the keys of revoked partitions (`ChunkExecutor.revoke`).
   * Produce the outputs; a rejection is retried with backoff until it succeeds or the dispatcher
   * drains. `errors` (hooks that failed) come on the first call only. Absent: the executor is not told.
   */
  onStateReleased?(topic: string, partitions: readonly number[], released: ReleasedState): Promise<void>;
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
  clock?: DispatcherClock;
}

/** An offset to commit (the next one to read) for one owned partition. */
export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** Counters and gauges for metrics; counters only grow. */
export interface DispatcherStats {
  /** Fetched and not yet committable (done or not): what a crash would redeliver; backpressure bounds it. */
  uncommittedRecords: number;
  /** Key + value bytes of the uncommitted records. */
  uncommittedBytes: number;
  /** Fetched and not done yet: waiting for a thread, running, retrying or producing outputs (≤ uncommitted). */
  pendingRecords: number;
  /** Partitions with records taken and not revoked. */
  trackedPartitions: number;
  pausedPartitions: number;
  runningChunks: number;
  /** Records the next chunk may hold: the setting, or with `auto` the size fitted to the measured time per record. */
  chunkSize: number;
  /** Chunks the executor holds waiting for a thread. */
  executorQueuedChunks: number;
  chunksStarted: number;
  /** Sum over started chunks of how long their oldest record waited; divide by `chunksStarted`. */
  chunkQueueWaitMsTotal: number;
  processed: number;
  /** Failed handler attempts (the records retried or dead-lettered after them). */
  failed: number;
  retries: number;
  deadLettered: number;
  chunkCrashes: number;
  /** Rejections of `onOutputs` / `onDeadLetter`; the record is retried. */
  produceErrors: number;
}
