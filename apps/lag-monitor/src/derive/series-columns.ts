import type { RetentionRule } from './sample-history.js';

/**
 * Sample histories of many series in Float64Array columns, updated in place. Series `i` owns the
 * slots `i * stride … i * stride + count[i] − 1` of every column, oldest first; a series index is
 * stable while the series lives and reused after it is released. At 5,000 partitions × 50 groups
 * the per-series arrays this replaces were copied every cycle (most of derive's time was garbage
 * collection); here a cycle writes one sample and thins the slot where it lies.
 *
 * Column 0 is the sample time (ms since epoch); the others are values (NaN for "none").
 */
export class SeriesColumns {
  /** Slots per series; doubles (every series moved once) when a series needs more. */
  stride: number;
  /** Series the columns have room for; doubles when full. */
  private capacity: number;
  readonly columns: Float64Array[];
  /** Samples held per series. */
  count: Uint32Array;
  /** Last cycle each series was written in (see `beginCycle`). */
  seen: Uint32Array;
  private readonly free: number[] = [];
  private next = 0;
  private cycle = 0;

  /**
   * `strideHint`: the most samples the retention rule can leave a series plus the one appended
   * before thinning; the stride doubles up to it rather than past it (beyond it only if needed).
   */
  constructor(
    private readonly valueColumns: number,
    private readonly strideHint = Number.POSITIVE_INFINITY,
    initialStride = 16,
    initialCapacity = 1_024,
  ) {
    this.stride = initialStride;
    this.capacity = initialCapacity;
    this.columns = Array.from({ length: valueColumns + 1 }, () => new Float64Array(initialCapacity * initialStride));
    this.count = new Uint32Array(initialCapacity);
    this.seen = new Uint32Array(initialCapacity);
  }

  /** Starts a cycle: series written from now on count as seen in it. */
  beginCycle(): number {
    this.cycle += 1;
    return this.cycle;
  }

  /** Whether series `i` was written in the current cycle. */
  seenThisCycle(i: number): boolean {
    return this.seen[i] === this.cycle;
  }

  /**
   * Makes room for `series` series at once (no-op when there is room): a first cycle of 250,000
   * series would otherwise double the columns eight times, each copy briefly next to the last.
   */
  reserve(series: number): void {
    if (series > this.capacity) this.resize(series, this.stride);
  }

  /** A new empty series. */
  allocate(): number {
    const reused = this.free.pop();
    const i = reused ?? this.next++;
    if (i >= this.capacity) this.resize(this.capacity * 2, this.stride);
    this.count[i] = 0;
    this.seen[i] = 0;
    return i;
  }

  release(i: number): void {
    this.count[i] = 0;
    this.free.push(i);
  }

  /** Series in use. */
  get size(): number {
    return this.next - this.free.length;
  }

  /**
   * Appends one sample to series `i` and applies the retention rule, with the same outcome as
   * `appendCommitSample`/`appendEndSample` on arrays: samples at or after `atMs` (a clock that
   * went back) are dropped first; with `restartIfFirstValueBelow`, a first value below the last
   * kept one drops the whole history (a recreated topic). `values[k]` goes to column k + 1.
   */
  append(i: number, atMs: number, values: readonly number[], rule: RetentionRule, restartIfFirstValueBelow = false): void {
    let n = this.count[i] as number;
    let base = i * this.stride;
    const previousAt = this.columns[0] as Float64Array;
    while (n > 0 && (previousAt[base + n - 1] as number) >= atMs) n -= 1;
    if (restartIfFirstValueBelow && n > 0 && ((this.columns[1] as Float64Array)[base + n - 1] as number) > (values[0] as number)) n = 0;
    if (n + 1 > this.stride) {
      this.resize(this.capacity, Math.max(n + 1, Math.min(this.stride * 2, this.strideHint)));
      base = i * this.stride;
    }
    // Read the columns after a resize: it replaces them.
    const at = this.columns[0] as Float64Array;
    at[base + n] = atMs;
    for (let k = 0; k < this.valueColumns; k += 1) (this.columns[k + 1] as Float64Array)[base + n] = values[k] as number;
    n += 1;
    this.count[i] = this.thin(base, n, rule);
    this.seen[i] = this.cycle;
  }

  /** `samplesToKeep` applied in place to the slot at `base` holding `n` samples; the new count. */
  private thin(base: number, n: number, rule: RetentionRule): number {
    const at = this.columns[0] as Float64Array;
    const horizon = rule.nowMs - rule.horizonMs;
    const windowStart = rule.nowMs - rule.windowMs;
    let first = 0;
    for (let k = n - 1; k >= 0; k -= 1) {
      if ((at[base + k] as number) <= horizon) {
        first = k;
        break;
      }
    }
    let kept = 0;
    this.move(base, first, kept++);
    let lastKept = at[base + first] as number;
    for (let k = first + 1; k < n; k += 1) {
      const t = at[base + k] as number;
      const resolution = t < windowStart ? rule.oldResolutionMs : rule.windowResolutionMs;
      if (k === n - 1 || t - lastKept >= resolution) {
        this.move(base, k, kept++);
        lastKept = t;
      }
    }
    return kept;
  }

  private move(base: number, from: number, to: number): void {
    if (from === to) return;
    for (const column of this.columns) column[base + to] = column[base + from] as number;
  }

  private resize(capacity: number, stride: number): void {
    for (let c = 0; c < this.columns.length; c += 1) {
      const old = this.columns[c] as Float64Array;
      const grown = new Float64Array(capacity * stride);
      for (let i = 0; i < this.next; i += 1) {
        const n = this.count[i] as number;
        for (let k = 0; k < n; k += 1) grown[i * stride + k] = old[i * this.stride + k] as number;
      }
      this.columns[c] = grown;
    }
    if (capacity !== this.capacity) {
      const count = new Uint32Array(capacity);
      count.set(this.count);
      const seen = new Uint32Array(capacity);
      seen.set(this.seen);
      this.count = count;
      this.seen = seen;
    }
    this.capacity = capacity;
    this.stride = stride;
  }
}
