import { Counter, Histogram, type Registry } from '@lagscale/kafka-core';
import { PRODUCER_METRICS } from '../metrics/metric-names.js';

/** The gateway's Prometheus series. */
export interface IngestMetrics {
  requests: Counter<'route' | 'status'>;
  records: Counter<'topic'>;
  latency: Histogram<'route' | 'status'>;
  rejected: Counter<'code'>;
}

// From a cached-metadata produce on a laptop (~1 ms) to a request that ran into its timeout.
const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Registers the ingest metrics on `registry` (once per registry). */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: PRODUCER_METRICS.ingestRequests,
      help: 'Ingest HTTP requests by route pattern and status code',
      labelNames: ['route', 'status'],
      registers,
    }),
    records: new Counter({
      name: PRODUCER_METRICS.ingestRecords,
      help: 'Records acknowledged by Kafka and reported to the client',
      labelNames: ['topic'],
      registers,
    }),
    latency: new Histogram({
      name: PRODUCER_METRICS.ingestRequestLatency,
      help: 'Ingest request latency, from the first byte to the response sent (seconds)',
      labelNames: ['route', 'status'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    rejected: new Counter({
      name: PRODUCER_METRICS.ingestRejected,
      help: 'Ingest requests answered with an error, by error code',
      labelNames: ['code'],
      registers,
    }),
  };
}
