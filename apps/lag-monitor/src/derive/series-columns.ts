import type { RetentionRule } from './sample-history.js';

/** Int32 slot value for "none" (NaN) in a narrow column. */
const NONE = -2_147_483_648;
/** Largest distance from a base a narrow column stores. */
const SPAN = 2_147_483_647;

/**
 * Sample histories of many series in typed-array columns, updated in place. Series `i` owns the
 * slots `i * stride … i * stride + count[i] − 1` of every column, oldest first; a series index is
 * stable while the series lives and reused after it is released. At 5,000 partitions × 50 groups
 * the per-series arrays this replaces were copied every cycle (most of derive's time was garbage
 * collection); here a cycle writes one sample and thins the slot where it lies.
 *
 * Column 0 is the sample time (ms since epoch); the others are values (NaN for "none").
 *
 * `narrow` columns hold 4 bytes a sample instead of 8 (decision 0025): times as Int32 ms from one
 * base, values as Int32 distances from a base per series (offsets and lags are integers, and a
 * series' values over the window lie close together). A value that does not fit (a fraction, or
 * a series whose values span more than 2^31 − 1) turns its column into Float64 for good: the
 * same outcome, with the memory it had before. Read a narrow series through `view()`.
 */
export class SeriesColumns {
  /** Slots per series; doubles (every series moved once) when a series needs more. */
  stride: number;
  /** Series the columns have room for; doubles when full. */
  private capacity: number;
  /** Per column: Float64Array (wide) or Int32Array (narrow). */
  private readonly store: (Float64Array | Int32Array)[];
  /** Per value column of a narrow store: each series' base (column 0 uses `timeBase`). */
  private readonly bases: (Float64Array | undefined)[];
  private timeBase = Number.NaN;
  /** What `view()` decoded: one array per column, the series' samples from index 0. */
  readonly out: Float64Array[];
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
    narrow = false,
  ) {
    this.stride = initialStride;
    this.capacity = initialCapacity;
    const size = initialCapacity * initialStride;
    this.store = Array.from({ length: valueColumns + 1 }, () => (narrow ? new Int32Array(size) : new Float64Array(size)));
    this.bases = Array.from({ length: valueColumns + 1 }, (_, c) => (narrow && c > 0 ? new Float64Array(initialCapacity) : undefined));
    this.out = Array.from({ length: valueColumns + 1 }, () => new Float64Array(initialStride));
    this.count = new Uint32Array(initialCapacity);
    this.seen = new Uint32Array(initialCapacity);
  }

  /** The columns as Float64Arrays, for columns that are all wide (read series `i` at `i * stride`). */
  get columns(): Float64Array[] {
    return this.store.map((column) => {
      if (!(column instanceof Float64Array)) throw new Error('narrow columns are read through view()');
      return column;
    });
  }

  /** Whether column `c` holds 4-byte samples (it turns wide when a value does not fit). */
  isNarrow(c: number): boolean {
    return this.store[c] instanceof Int32Array;
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

  /** Series `i`'s samples decoded into `out` (index 0 on); returns how many. */
  view(i: number): number {
    const n = this.count[i] as number;
    const base = i * this.stride;
    for (let c = 0; c < this.store.length; c += 1) {
      const to = this.out[c] as Float64Array;
      const column = this.store[c] as Float64Array | Int32Array;
      if (column instanceof Float64Array) {
        for (let k = 0; k < n; k += 1) to[k] = column[base + k] as number;
      } else if (c === 0) {
        for (let k = 0; k < n; k += 1) to[k] = this.timeBase + (column[base + k] as number);
      } else {
        const b = (this.bases[c] as Float64Array)[i] as number;
        for (let k = 0; k < n; k += 1) {
          const stored = column[base + k] as number;
          to[k] = stored === NONE ? Number.NaN : b + stored;
        }
      }
    }
    return n;
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
    while (n > 0 && this.get(0, i, base + n - 1) >= atMs) n -= 1;
    if (restartIfFirstValueBelow && n > 0 && this.get(1, i, base + n - 1) > (values[0] as number)) n = 0;
    this.count[i] = n;
    if (n + 1 > this.stride) {
      this.resize(this.capacity, Math.max(n + 1, Math.min(this.stride * 2, this.strideHint)));
      base = i * this.stride;
    }
    this.set(0, i, base, n, atMs);
    for (let k = 0; k < this.valueColumns; k += 1) this.set(k + 1, i, base, n, values[k] as number);
    n += 1;
    this.count[i] = this.thin(base, n, rule);
    this.seen[i] = this.cycle;
  }

  /** The decoded sample at slot `at` of column `c` (series `i`). */
  private get(c: number, i: number, at: number): number {
    const column = this.store[c] as Float64Array | Int32Array;
    if (column instanceof Float64Array) return column[at] as number;
    const stored = column[at] as number;
    if (c === 0) return this.timeBase + stored;
    return stored === NONE ? Number.NaN : ((this.bases[c] as Float64Array)[i] as number) + stored;
  }

  /** Writes `value` to slot `k` of series `i` in column `c`, widening or rebasing first when it does not fit. */
  private set(c: number, i: number, base: number, k: number, value: number): void {
    let column = this.store[c] as Float64Array | Int32Array;
    if (column instanceof Int32Array) {
      if (c === 0) {
        if (Number.isNaN(this.timeBase)) this.timeBase = value;
        if (!this.fits(value - this.timeBase) && !this.rebaseTimes(value)) this.widen(0);
      } else if (!Number.isNaN(value)) {
        const bases = this.bases[c] as Float64Array;
        if (!this.fits(value - (bases[i] as number)) && !this.rebaseSeries(c, i, base, k, value)) this.widen(c);
      }
      column = this.store[c] as Float64Array | Int32Array;
    }
    if (column instanceof Float64Array) {
      column[base + k] = value;
    } else if (c === 0) {
      column[base + k] = value - this.timeBase;
    } else {
      column[base + k] = Number.isNaN(value) ? NONE : value - ((this.bases[c] as Float64Array)[i] as number);
    }
  }

  private fits(distance: number): boolean {
    return Number.isInteger(distance) && distance >= -SPAN && distance <= SPAN;
  }

  /** A new base for series `i` of column `c` (its lowest value, the new one included) when its `k` kept values and `value` span less than 2^31. */
  private rebaseSeries(c: number, i: number, base: number, k: number, value: number): boolean {
    if (!Number.isInteger(value)) return false;
    let low = value;
    let high = value;
    for (let s = 0; s < k; s += 1) {
      const v = this.get(c, i, base + s);
      if (Number.isNaN(v)) continue;
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    if (high - low > SPAN) return false;
    const column = this.store[c] as Int32Array;
    const bases = this.bases[c] as Float64Array;
    for (let s = 0; s < k; s += 1) {
      const v = this.get(c, i, base + s);
      if (!Number.isNaN(v)) column[base + s] = v - low;
    }
    bases[i] = low;
    return true;
  }

  /**
   * Times are kept from one base: a clock that moved more than 24 days from it takes a new base
   * (the new time) when every kept sample fits around it, once in a long while.
   */
  private rebaseTimes(atMs: number): boolean {
    if (!Number.isInteger(atMs)) return false;
    const column = this.store[0] as Int32Array;
    for (let i = 0; i < this.next; i += 1) {
      const from = i * this.stride;
      for (let k = 0; k < (this.count[i] as number); k += 1) if (!this.fits(this.timeBase + (column[from + k] as number) - atMs)) return false;
    }
    for (let i = 0; i < this.next; i += 1) {
      const from = i * this.stride;
      for (let k = 0; k < (this.count[i] as number); k += 1) column[from + k] = this.timeBase + (column[from + k] as number) - atMs;
    }
    this.timeBase = atMs;
    return true;
  }

  /** Column `c` as Float64 from now on, every kept sample decoded. */
  private widen(c: number): void {
    const wide = new Float64Array(this.capacity * this.stride);
    for (let i = 0; i < this.next; i += 1) {
      const from = i * this.stride;
      for (let k = 0; k < (this.count[i] as number); k += 1) wide[from + k] = this.get(c, i, from + k);
    }
    this.store[c] = wide;
    this.bases[c] = undefined;
  }

  /** `samplesToKeep` applied in place to the slot at `base` holding `n` samples; the new count. */
  private thin(base: number, n: number, rule: RetentionRule): number {
    // A time is `timeBase + stored` in a narrow column, `stored` in a wide one.
    const at = this.store[0] as Float64Array | Int32Array;
    const timeBase = at instanceof Int32Array ? this.timeBase : 0;
    const horizon = rule.nowMs - rule.horizonMs;
    const windowStart = rule.nowMs - rule.windowMs;
    let first = 0;
    for (let k = n - 1; k >= 0; k -= 1) {
      if (timeBase + (at[base + k] as number) <= horizon) {
        first = k;
        break;
      }
    }
    let kept = 0;
    this.move(base, first, kept++);
    let lastKept = timeBase + (at[base + first] as number);
    for (let k = first + 1; k < n; k += 1) {
      const t = timeBase + (at[base + k] as number);
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
    for (const column of this.store) column[base + to] = column[base + from] as number;
  }

  private resize(capacity: number, stride: number): void {
    for (let c = 0; c < this.store.length; c += 1) {
      const old = this.store[c] as Float64Array | Int32Array;
      const grown = old instanceof Float64Array ? new Float64Array(capacity * stride) : new Int32Array(capacity * stride);
      for (let i = 0; i < this.next; i += 1) {
        const n = this.count[i] as number;
        for (let k = 0; k < n; k += 1) grown[i * stride + k] = old[i * this.stride + k] as number;
      }
      this.store[c] = grown;
      const bases = this.bases[c];
      if (bases !== undefined && capacity !== this.capacity) {
        const grownBases = new Float64Array(capacity);
        grownBases.set(bases.subarray(0, Math.min(bases.length, capacity)));
        this.bases[c] = grownBases;
      }
      if ((this.out[c] as Float64Array).length < stride) this.out[c] = new Float64Array(stride);
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
