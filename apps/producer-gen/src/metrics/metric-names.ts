/** Every metric producer-gen exports; names live here and nowhere else. */
export const PRODUCER_METRICS = {
  recordsSent: 'producer_gen_records_sent_total',
  recordsAcked: 'producer_gen_records_acked_total',
  recordsFailed: 'producer_gen_records_failed_total',
  bytesSent: 'producer_gen_bytes_sent_total',
  batchesSent: 'producer_gen_batches_sent_total',
  inFlightRecords: 'producer_gen_in_flight_records',
  produceLatency: 'producer_gen_produce_latency_seconds',
  targetRate: 'producer_gen_target_rate_records_per_second',
  ingestRequests: 'producer_gen_ingest_requests_total',
  ingestRecords: 'producer_gen_ingest_records_total',
  ingestRequestLatency: 'producer_gen_ingest_request_latency_seconds',
  ingestRejected: 'producer_gen_ingest_rejected_total',
} as const;
