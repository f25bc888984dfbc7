/**
 * Bounded sample histories, kept as parallel number arrays (8 bytes a sample per column for
 * V8's double arrays) rather than one object per sample: at 20 groups × 1,000 partitions the
 * state holds a few hundred thousand samples.
 */

/** Committed offsets of one group on one partition: the window plus one sample before it (its anchor). */
export interface CommitHistory {
  /** Sample times, ms since epoch, ascending. */
  atMs: number[];
  /** Committed offset at each sample; null while the group has none. */
  committed: (number | null)[];
  /** Lag at each sample (kafka-core rules). */
  lag: number[];
}

/** End offsets of one partition over the history, downsampled outside the window. */
export interface EndHistory {
  atMs: number[];
  end: number[];
}

/** What to keep: everything newer than `horizonMs` (plus the newest older sample), thinned. */
export interface RetentionRule {
  nowMs: number;
  windowMs: number;
  /** How far back to keep; the newest sample at or before `nowMs − horizonMs` stays as an anchor. */
  horizonMs: number;
  /** Least spacing of kept samples inside the window. */
  windowResolutionMs: number;
  /** Least spacing of kept samples older than the window. */
  oldResolutionMs: number;
}

/**
 * Indices of the samples to keep, ascending. The anchor (newest sample at or before the horizon)
 * and the newest sample always stay; between them a sample stays when it is at least the
 * resolution of its region after the previous kept one. Thinning an already thinned series keeps
 * it as is, so applying the rule every cycle is stable.
 */
export function samplesToKeep(atMs: readonly number[], rule: RetentionRule): number[] {
  const n = atMs.length;
  if (n === 0) return [];
  const horizon = rule.nowMs - rule.horizonMs;
  const windowStart = rule.nowMs - rule.windowMs;
  let first = 0;
  for (let i = n - 1; i >= 0; i -= 1) {
    if ((atMs[i] as number) <= horizon) {
      first = i;
      break;
    }
  }
  const kept = [first];
  let lastKept = atMs[first] as number;
  for (let i = first + 1; i < n; i += 1) {
    const t = atMs[i] as number;
    const resolution = t < windowStart ? rule.oldResolutionMs : rule.windowResolutionMs;
    if (i === n - 1 || t - lastKept >= resolution) {
      kept.push(i);
      lastKept = t;
    }
  }
  return kept;
}

function pick<T>(values: readonly T[], indices: readonly number[]): T[] {
  const out = new Array<T>(indices.length);
  for (let i = 0; i < indices.length; i += 1) out[i] = values[indices[i] as number] as T;
  return out;
}

// Samples at or after `atMs` come from a clock that went back: drop them, never sort.
function keepBefore(atMs: readonly number[], nowMs: number): number {
  let count = atMs.length;
  while (count > 0 && (atMs[count - 1] as number) >= nowMs) count -= 1;
  return count;
}

/** A new history with the sample appended and the rule applied; the input is not changed. */
export function appendCommitSample(
  history: CommitHistory | undefined,
  sample: { atMs: number; committed: number | null; lag: number },
  rule: RetentionRule,
): CommitHistory {
  const count = history === undefined ? 0 : keepBefore(history.atMs, sample.atMs);
  const atMs = history === undefined ? [] : history.atMs.slice(0, count);
  const committed = history === undefined ? [] : history.committed.slice(0, count);
  const lag = history === undefined ? [] : history.lag.slice(0, count);
  atMs.push(sample.atMs);
  committed.push(sample.committed);
  lag.push(sample.lag);
  const kept = samplesToKeep(atMs, rule);
  if (kept.length === atMs.length) return { atMs, committed, lag };
  return { atMs: pick(atMs, kept), committed: pick(committed, kept), lag: pick(lag, kept) };
}

/**
 * A new end-offset history with the sample appended. An end offset below the last one means the
 * topic was recreated: the old history says nothing about the new log, so it starts over.
 */
export function appendEndSample(history: EndHistory | undefined, sample: { atMs: number; end: number }, rule: RetentionRule): EndHistory {
  let count = history === undefined ? 0 : keepBefore(history.atMs, sample.atMs);
  if (history !== undefined && count > 0 && (history.end[count - 1] as number) > sample.end) count = 0;
  const atMs = history === undefined ? [] : history.atMs.slice(0, count);
  const end = history === undefined ? [] : history.end.slice(0, count);
  atMs.push(sample.atMs);
  end.push(sample.end);
  const kept = samplesToKeep(atMs, rule);
  if (kept.length === atMs.length) return { atMs, end };
  return { atMs: pick(atMs, kept), end: pick(end, kept) };
}

/** Index of the first sample a window ending at `nowMs` uses: its anchor when there is one, else the oldest. */
export function windowStartIndex(atMs: ArrayLike<number>, nowMs: number, windowMs: number): number {
  return windowStartInRange(atMs, 0, atMs.length, nowMs, windowMs);
}

/** `windowStartIndex` among the samples `from` (inclusive) to `to` (exclusive); an index into `atMs`. */
export function windowStartInRange(atMs: ArrayLike<number>, from: number, to: number, nowMs: number, windowMs: number): number {
  const windowStart = nowMs - windowMs;
  for (let i = to - 1; i >= from; i -= 1) {
    if ((atMs[i] as number) <= windowStart) return i;
  }
  return from;
}
