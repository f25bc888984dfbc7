import type { BucketSnapshot } from './bucket-counts.js';
import type { Registry } from './metrics.js';

interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

interface MetricData {
  name: string;
  help: string;
  type: 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

export interface SnapshotHistogramOptions {
  name: string;
  help: string;
  /** Read at scrape time: cumulative counts since start, with fixed bounds. */
  read(): BucketSnapshot;
  /** Labels every series of it carries (a producer's topic); the registry's default labels come on top. */
  labels?: Record<string, string>;
  registers: Registry[];
}

/**
 * A Prometheus histogram whose buckets are counted somewhere else: in worker threads (shipped
 * back with each chunk) or on the dispatcher's hot path, where a prom-client `observe()` per
 * record (label hashing, validation) would cost more than the record. prom-client has no way to
 * feed it counts, so this is the registry's metric contract (`get`, `reset`, name, help, type)
 * over a snapshot, producing the same series a prom-client Histogram would (`_bucket{le}`,
 * `_sum`, `_count`).
 */
export class SnapshotHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly read: () => BucketSnapshot;
  private readonly labels: Record<string, string>;
  /** Counts at the last `reset()`, subtracted so a reset starts the series from zero. */
  private base: BucketSnapshot | undefined;

  constructor(options: SnapshotHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.read = options.read;
    this.labels = options.labels ?? {};
    for (const registry of options.registers) registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  get(): Promise<MetricData> {
    const now = this.read();
    const base = this.base;
    const values: MetricValue[] = [];
    let cumulative = 0;
    for (let b = 0; b < now.counts.length; b += 1) {
      cumulative += (now.counts[b] ?? 0) - (base?.counts[b] ?? 0);
      const le = b < now.bounds.length ? (now.bounds[b] as number) : '+Inf';
      values.push({ metricName: `${this.name}_bucket`, labels: { ...this.labels, le }, value: cumulative });
    }
    values.push({ metricName: `${this.name}_sum`, labels: { ...this.labels }, value: now.sum - (base?.sum ?? 0) });
    values.push({ metricName: `${this.name}_count`, labels: { ...this.labels }, value: now.count - (base?.count ?? 0) });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  reset(): void {
    this.base = this.read();
  }
}
