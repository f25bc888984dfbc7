import { BucketCounts, Counter, Gauge, SnapshotHistogram, type Registry } from '@lagscale/kafka-core';
import { PRODUCER_METRICS } from '../metrics/metric-names.js';

export interface DeliverySnapshot {
  sent: number;
  acked: number;
  failed: number;
  inFlight: number;
  bytesSent: number;
  batches: number;
  /** Mean of acknowledged produce latencies so far, ms. */
  meanLatencyMs: number;
  maxLatencyMs: number;
}

const PRODUCE_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Counts what the producer sent, what Kafka acknowledged and what failed, in plain numbers (for
 * the progress line and the run summary) and as Prometheus series (for dashboards).
 */
export class DeliveryStats {
  private snapshotState: DeliverySnapshot = { sent: 0, acked: 0, failed: 0, inFlight: 0, bytesSent: 0, batches: 0, meanLatencyMs: 0, maxLatencyMs: 0 };
  private readonly sentCounter: Counter;
  private readonly ackedCounter: Counter;
  private readonly failedCounter: Counter;
  private readonly bytesCounter: Counter;
  private readonly batchCounter: Counter;
  private readonly inFlightGauge: Gauge;
  /** Counted here per record and read at scrape time: a prom-client `observe()` per record costs a visible share of producing (decision 0013). */
  private readonly latency = new BucketCounts(PRODUCE_LATENCY_BUCKETS);
  private readonly labels: { topic: string };

  constructor(registry: Registry, labels: { topic: string }) {
    const labelNames = ['topic'] as const;
    this.sentCounter = new Counter({ name: PRODUCER_METRICS.recordsSent, help: 'Records handed to Kafka', labelNames, registers: [registry] });
    this.ackedCounter = new Counter({ name: PRODUCER_METRICS.recordsAcked, help: 'Records Kafka acknowledged', labelNames, registers: [registry] });
    this.failedCounter = new Counter({ name: PRODUCER_METRICS.recordsFailed, help: 'Records whose produce failed after retries', labelNames, registers: [registry] });
    this.bytesCounter = new Counter({ name: PRODUCER_METRICS.bytesSent, help: 'Encoded value bytes handed to Kafka', labelNames, registers: [registry] });
    this.batchCounter = new Counter({ name: PRODUCER_METRICS.batchesSent, help: 'Produce requests sent', labelNames, registers: [registry] });
    this.inFlightGauge = new Gauge({ name: PRODUCER_METRICS.inFlightRecords, help: 'Records sent and not yet acknowledged', labelNames, registers: [registry] });
    new SnapshotHistogram({
      name: PRODUCER_METRICS.produceLatency,
      help: 'Time from a record being generated to Kafka acknowledging it',
      read: () => this.latency.snapshot(),
      labels,
      registers: [registry],
    });
    for (const metric of [this.sentCounter, this.ackedCounter, this.failedCounter, this.bytesCounter, this.batchCounter]) metric.labels(labels).inc(0);
    this.labels = labels;
  }

  onSent(records: number, bytes: number): void {
    const s = this.snapshotState;
    s.sent += records;
    s.inFlight += records;
    s.bytesSent += bytes;
    s.batches += 1;
    this.sentCounter.labels(this.labels).inc(records);
    this.bytesCounter.labels(this.labels).inc(bytes);
    this.batchCounter.labels(this.labels).inc();
    this.inFlightGauge.labels(this.labels).set(s.inFlight);
  }

  /** `enqueuedAtMs` per record; latencies are observed per record, so the histogram is honest. */
  onAcked(enqueuedAtMs: readonly number[], nowMs: number): void {
    const s = this.snapshotState;
    const histogram = this.latency;
    for (const at of enqueuedAtMs) {
      const ms = nowMs - at;
      if (ms > s.maxLatencyMs) s.maxLatencyMs = ms;
      histogram.observe(ms / 1000);
    }
    s.acked += enqueuedAtMs.length;
    s.inFlight -= enqueuedAtMs.length;
    s.meanLatencyMs = s.acked === 0 ? 0 : (this.latency.sum * 1000) / s.acked;
    this.ackedCounter.labels(this.labels).inc(enqueuedAtMs.length);
    this.inFlightGauge.labels(this.labels).set(s.inFlight);
  }

  onFailed(records: number): void {
    const s = this.snapshotState;
    s.failed += records;
    s.inFlight -= records;
    this.failedCounter.labels(this.labels).inc(records);
    this.inFlightGauge.labels(this.labels).set(s.inFlight);
  }

  snapshot(): DeliverySnapshot {
    return { ...this.snapshotState };
  }
}
