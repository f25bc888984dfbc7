/** Upper bounds, in seconds, of the handler-time histogram (one record through its handler). */
export const HANDLER_SECONDS_BUCKETS = [0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] as const;

/** Upper bounds, in seconds, of the end-to-end histogram (fetched → done, retries included). */
export const END_TO_END_SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const;

/** Histogram data: a count per bucket (not cumulative; the last one is +Inf), the sum and the count. */
export interface BucketSnapshot {
  bounds: readonly number[];
  counts: number[];
  sum: number;
  count: number;
}

/**
 * The counting half of a Prometheus histogram, with no labels and no registry: cheap enough to
 * fill per record on a hot path (a worker thread, the dispatcher) and to ship or read as
 * plain numbers, which a registry-side metric then exposes.
 */
export class BucketCounts {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts `value` `times` times (several records that took the same time). */
  observe(value: number, times = 1): void {
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket += 1;
    this.counts[bucket] = (this.counts[bucket] as number) + times;
    this.sum += value * times;
    this.count += times;
  }

  /** Adds counts taken with the same bounds elsewhere (another thread's chunk). */
  add(counts: ArrayLike<number>, sum: number): void {
    let count = 0;
    for (let b = 0; b < this.counts.length; b += 1) {
      const n = counts[b] ?? 0;
      this.counts[b] = (this.counts[b] as number) + n;
      count += n;
    }
    this.sum += sum;
    this.count += count;
  }

  snapshot(): BucketSnapshot {
    return { bounds: this.bounds, counts: Array.from(this.counts), sum: this.sum, count: this.count };
  }
}
