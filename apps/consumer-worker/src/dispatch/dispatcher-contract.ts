import type { ChunkExecutor, DispatchRecord, OutputRecord } from '../pool/executor.js';
import type { DispatcherClock } from './clock.js';

/** What the dispatcher drives: the pool, the producer side and the consumer's pause/resume. */
export interface DispatcherHooks {
  executor: ChunkExecutor;
  /** Produces a record's outputs; the record counts as done once this resolves. Not called for no outputs. */
  onOutputs(record: DispatchRecord, outputs: OutputRecord[]): Promise<void>;
  /** Produces a record to the dead-letter topic; the record counts as done once this resolves. */
  onDeadLetter(record: DispatchRecord, reason: string, attempts: number): Promise<void>;
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
  inFlightRecords: number;
  /** Fetched and not yet committable (done or not): what a crash would redeliver; backpressure bounds it. */
  uncommittedRecords: number;
  inFlightBytes: number;
  ownedPartitions: number;
  pausedPartitions: number;
  runningChunks: number;
  /** Chunks the executor holds waiting for a thread. */
  executorQueuedChunks: number;
  chunksStarted: number;
  /** Sum over started chunks of how long their oldest record waited; divide by `chunksStarted`. */
  chunkQueueWaitMsTotal: number;
  processed: number;
  retries: number;
  deadLettered: number;
  chunkCrashes: number;
  /** Rejections of `onOutputs` / `onDeadLetter`; the record is retried. */
  produceErrors: number;
}
