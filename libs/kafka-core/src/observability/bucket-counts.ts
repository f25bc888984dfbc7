/** Histogram data: a count per bucket (not cumulative; the last one is +Inf), the sum and the count. */
export interface BucketSnapshot {
  bounds: readonly number[];
  counts: number[];
  sum: number;
  count: number;
}

/**
 * The counting half of a Prometheus histogram, with no labels and no registry: cheap enough to
 * fill per record on a hot path (a worker thread, a dispatcher, a producer's acks) and to ship
 * or read as plain numbers, which a `SnapshotHistogram` then exposes. No dependencies, so a
 * worker thread imports it alone (through `@lagscale/kafka-core/thread`).
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
