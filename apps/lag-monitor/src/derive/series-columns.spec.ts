import { describe, expect, it } from 'vitest';
import { appendCommitSample, type CommitHistory, type RetentionRule } from './sample-history.js';
import { SeriesColumns } from './series-columns.js';

const rule = (nowMs: number): RetentionRule => ({ nowMs, windowMs: 10_000, horizonMs: 10_000, windowResolutionMs: 1_000, oldResolutionMs: 10_000 });

function historyOf(columns: SeriesColumns, i: number): CommitHistory {
  const n = columns.view(i);
  const [at, committed, lag] = columns.out as [Float64Array, Float64Array, Float64Array];
  return { atMs: [...at.subarray(0, n)], committed: [...committed.subarray(0, n)].map((v) => (Number.isNaN(v) ? null : v)), lag: [...lag.subarray(0, n)] };
}

/** Runs `cycles` cycles of `sampleAt` on fresh narrow columns and on appendCommitSample; every history must match after each. */
function compareNarrow(cycles: number, sampleAt: (cycle: number, series: number) => { atMs: number; committed: number | null; lag: number }): SeriesColumns {
  const columns = new SeriesColumns(2, Number.POSITIVE_INFINITY, 2, 2, true);
  const reference = new Map<number, CommitHistory | undefined>();
  const series = Array.from({ length: 4 }, () => columns.allocate());
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    columns.beginCycle();
    for (const i of series) {
      const sample = sampleAt(cycle, i);
      columns.append(i, sample.atMs, [sample.committed ?? Number.NaN, sample.lag], rule(sample.atMs));
      reference.set(i, appendCommitSample(reference.get(i), sample, rule(sample.atMs)));
      expect(historyOf(columns, i), `series ${i}, cycle ${cycle}`).toEqual(reference.get(i));
    }
  }
  return columns;
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

  describe('narrow', () => {
    it('keeps integer offsets in 4 bytes, rebasing a series whose values move far (a first commit after none, an offset reset)', () => {
      const columns = compareNarrow(40, (cycle, i) => ({
        atMs: 1_700_000_000_000 + cycle * 700 - (cycle === 20 ? 5_000 : 0),
        committed: cycle < 5 ? null : 9_000_000_000 * (i + 1) + cycle * 1_000_000 - (cycle === 25 ? 1_000_000_000 : 0),
        lag: cycle === 25 ? 2_000_000_000 : (cycle * 3 + i) % 11,
      }));
      expect([0, 1, 2].map((c) => columns.isNarrow(c))).toEqual([true, true, true]);
    });

    it('turns a column wide, with the same samples, when a value is a fraction or a series spans more than 2^31', () => {
      const fractions = compareNarrow(20, (cycle, i) => ({ atMs: 1_000_000 + cycle * 700, committed: cycle === 9 ? 10.5 : cycle * 10 + i, lag: 3 }));
      expect([0, 1, 2].map((c) => fractions.isNarrow(c))).toEqual([true, false, true]);
      const span = compareNarrow(20, (cycle, i) => ({ atMs: 1_000_000 + cycle * 700, committed: cycle * 10 + i, lag: cycle % 2 === 0 ? 0 : 3_000_000_000 }));
      expect([0, 1, 2].map((c) => span.isNarrow(c))).toEqual([true, true, false]);
      const times = compareNarrow(20, (cycle, i) => ({ atMs: 1_000_000 + cycle * 700.25, committed: cycle * 10 + i, lag: 1 }));
      expect(times.isNarrow(0)).toBe(false);
    });

    it('takes a new time base as the clock passes 24 days from it, and stays narrow', () => {
      const days = 86_400_000;
      const columns = compareNarrow(30, (cycle, i) => ({ atMs: 1_700_000_000_000 + cycle * 3 * days, committed: cycle * 10 + i, lag: i }));
      expect(columns.isNarrow(0)).toBe(true);
    });
  });
});
