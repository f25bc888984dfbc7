export type { ChunkExecutor, DispatchRecord, OutputRecord, RecordOutcome } from './executor.js';
export { packChunk, packResults, unpackChunk, unpackResults, type ChunkRecord, type PackedChunk, type PackedResults } from './chunk-codec.js';
export {
  WorkerPool,
  defaultWorkerPoolOptions,
  validateWorkerPoolOptions,
  type TimingSummaryMs,
  type WorkerPoolOptions,
  type WorkerPoolStats,
} from './worker-pool.js';
export { workerEntry, type WorkerEntry } from './worker-entry.js';
