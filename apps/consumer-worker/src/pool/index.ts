export {
  OK_WITHOUT_OUTPUTS,
  SKIPPED,
  dispatchRecordOf,
  pooledRecordsOf,
  type ChunkExecutor,
  type DispatchRecord,
  type OutputRecord,
  type PooledRecord,
  type RecordOutcome,
  type ReleasedState,
} from './executor.js';
export { KEYED_STATE_MODES, splitByThread, threadOf, type KeyedRoute, type KeyedStateMode, type ThreadShare } from './keyed-routing.js';
export { RecordArena, type ArenaSource } from './record-arena.js';
export { ChunkView, packChunk, unpackChunk, type ChunkRecord, type PackedChunk } from './chunk-codec.js';
export { packResults, unpackResults, type ChunkTimings, type PackedResults } from './result-codec.js';
export { defaultWorkerPoolOptions, validateWorkerPoolOptions, type WorkerPoolOptions } from './pool-options.js';
export { WorkerPool, type TimingSummaryMs, type WorkerPoolStats } from './worker-pool.js';
export { workerEntry, type WorkerEntry } from './worker-entry.js';
