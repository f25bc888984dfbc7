import { describe, expect, it } from 'vitest';
import { appendCommitSample, type CommitHistory, type RetentionRule } from './sample-history.js';
import { SeriesColumns } from './series-columns.js';

const rule = (nowMs: number): RetentionRule => ({ nowMs, windowMs: 10_000, horizonMs: 10_000, windowResolutionMs: 1_000, oldResolutionMs: 10_000 });

function historyOf(columns: SeriesColumns, i: number): CommitHistory {
  const from = i * columns.stride;
  const to = from + (columns.count[i] as number);
  const [at, committed, lag] = columns.columns as [Float64Array, Float64Array, Float64Array];
  return { atMs: [...at.subarray(from, to)], committed: [...committed.subarray(from, to)].map((v) => (Number.isNaN(v) ? null : v)), lag: [...lag.subarray(from, to)] };
}

describe('SeriesColumns', () => {
  it('keeps what appendCommitSample keeps while it grows in series and in samples per series', () => {
    // Tiny start: every series outgrows its slot and the columns outgrow their series.
    const columns = new SeriesColumns(2, Number.POSITIVE_INFINITY, 2, 2);
    const reference = new Map<number, CommitHistory | undefined>();
    const series = Array.from({ length: 5 }, () => columns.allocate());
    for (let cycle = 0; cycle < 40; cycle += 1) {
      columns.beginCycle();
      const nowMs = 1_000_000 + cycle * 700 - (cycle === 20 ? 5_000 : 0);
      for (const i of series) {
        const sample = { atMs: nowMs, committed: cycle % 7 === i ? null : cycle * 10 + i, lag: (cycle * 3 + i) % 11 };
        columns.append(i, nowMs, [sample.committed ?? Number.NaN, sample.lag], rule(nowMs));
        reference.set(i, appendCommitSample(reference.get(i), sample, rule(nowMs)));
        expect(historyOf(columns, i), `series ${i}, cycle ${cycle}`).toEqual(reference.get(i));
        expect(columns.seenThisCycle(i)).toBe(true);
      }
    }
    expect(columns.stride).toBeGreaterThanOrEqual(16);
  });

  it('grows a slot only up to the hint, and reuses released series empty', () => {
    const columns = new SeriesColumns(1, 6, 2, 4);
    const i = columns.allocate();
    columns.beginCycle();
    const keepAll: RetentionRule = { nowMs: 0, windowMs: 1e9, horizonMs: 1e9, windowResolutionMs: 0, oldResolutionMs: 0 };
    for (let k = 0; k < 5; k += 1) columns.append(i, k, [k], keepAll);
    expect(columns.stride).toBe(6);
    expect(columns.count[i]).toBe(5);
    const j = columns.allocate();
    columns.release(i);
    expect(columns.size).toBe(1);
    expect(columns.allocate()).toBe(i);
    expect(columns.count[i]).toBe(0);
    expect(columns.seenThisCycle(i)).toBe(false);
    expect(j).not.toBe(i);
  });
});
