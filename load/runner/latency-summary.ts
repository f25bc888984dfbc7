/** Latency percentiles of a set of samples (ms). */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A growable list of samples; percentiles by nearest rank on a sorted copy. */
export class Samples {
  private values = new Float64Array(1024);
  private size = 0;

  get count(): number {
    return this.size;
  }

  add(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size] = value;
    this.size += 1;
  }

  summary(): LatencySummary {
    return summarize(this.values.subarray(0, this.size));
  }
}

/** Nearest-rank percentiles (the value at or below which p% of samples fall). Zeros for no samples. */
export function summarize(values: Float64Array | readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
  let sum = 0;
  for (const value of sorted) sum += value;
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] ?? 0;
  return { count: n, meanMs: sum / n, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99), maxMs: sorted[n - 1] ?? 0 };
}
