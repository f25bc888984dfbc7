import type { EndHistory } from './sample-history.js';

/**
 * Age in seconds of the oldest unconsumed record: the time the end offset passed `position`
 * (the next offset the group reads), interpolated linearly between the two end-offset samples
 * around it. Record `position` exists once the end offset reaches `position + 1`, so that is
 * the crossing looked for. When every sample is already past the position, the record is older
 * than the history: report the age of the oldest sample, a lower bound, rather than extrapolate.
 * 0 when nothing is unconsumed or there is no history.
 */
export function timeLagSeconds(history: EndHistory | undefined, position: number, nowMs: number): number {
  if (history === undefined) return 0;
  return timeLagInRange(history.atMs, history.end, 0, history.atMs.length, position, nowMs);
}

/** `timeLagSeconds` over the samples `from` (inclusive) to `to` (exclusive) of the columns. */
export function timeLagInRange(atMs: ArrayLike<number>, end: ArrayLike<number>, from: number, to: number, position: number, nowMs: number): number {
  const n = to;
  if (n <= from || position >= (end[n - 1] as number)) return 0;
  let before = -1;
  for (let i = n - 1; i >= from; i -= 1) {
    if ((end[i] as number) <= position) {
      before = i;
      break;
    }
  }
  let producedAtMs: number;
  if (before < 0) {
    producedAtMs = atMs[from] as number;
  } else {
    // `before` is not the newest sample (that one is past the position), so `after` exists.
    const after = before + 1;
    const t1 = atMs[before] as number;
    const t2 = atMs[after] as number;
    const e1 = end[before] as number;
    const e2 = end[after] as number;
    producedAtMs = t1 + ((position + 1 - e1) / (e2 - e1)) * (t2 - t1);
  }
  return Math.max(0, (nowMs - producedAtMs) / 1000);
}
