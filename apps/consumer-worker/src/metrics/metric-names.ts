/** Every metric consumer-worker exports; names live here and nowhere else. */
export const WORKER_METRICS = {
  consumed: 'consumer_worker_records_consumed_total',
  processed: 'consumer_worker_records_processed_total',
  retried: 'consumer_worker_records_retried_total',
  deadLettered: 'consumer_worker_records_dead_lettered_total',
  chunkCrashes: 'consumer_worker_chunk_crashes_total',
  outputs: 'consumer_worker_output_records_total',
  processingLatency: 'consumer_worker_processing_latency_seconds',
  inFlightRecords: 'consumer_worker_in_flight_records',
  inFlightBytes: 'consumer_worker_in_flight_bytes',
  pausedPartitions: 'consumer_worker_paused_partitions',
  assignedPartitions: 'consumer_worker_assigned_partitions',
  poolQueuedChunks: 'consumer_worker_pool_queued_chunks',
  poolUtilization: 'consumer_worker_pool_utilization_ratio',
  poolWaitTime: 'consumer_worker_pool_queue_wait_seconds_mean',
  commitLag: 'consumer_worker_commit_lag_records',
  commits: 'consumer_worker_commits_total',
} as const;
