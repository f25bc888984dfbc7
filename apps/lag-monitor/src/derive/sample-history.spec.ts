import { describe, expect, it } from 'vitest';
import { appendCommitSample, appendEndSample, samplesToKeep, windowStartIndex, type EndHistory, type RetentionRule } from './sample-history.js';

const rule = (nowMs: number, overrides: Partial<RetentionRule> = {}): RetentionRule => ({
  nowMs,
  windowMs: 60_000,
  horizonMs: 900_000,
  windowResolutionMs: 1_000,
  oldResolutionMs: 30_000,
  ...overrides,
});

describe('samplesToKeep', () => {
  it.each([
    { name: 'empty', atMs: [], nowMs: 0, kept: [] },
    { name: 'all inside the window', atMs: [10_000, 20_000, 30_000], nowMs: 30_000, kept: [0, 1, 2] },
    { name: 'anchor kept, older dropped', atMs: [0, 10_000, 25_000, 80_000], nowMs: 80_000, overrides: { horizonMs: 60_000 }, kept: [1, 2, 3] },
    { name: 'a sample exactly at the horizon is the anchor', atMs: [0, 10_000, 20_000, 80_000], nowMs: 80_000, overrides: { horizonMs: 60_000 }, kept: [2, 3] },
    { name: 'too close inside the window', atMs: [0, 400, 900, 1_000, 1_500], nowMs: 1_500, kept: [0, 3, 4] },
    { name: 'outside the window: one per 30 s', atMs: [0, 10_000, 20_000, 30_000, 40_000, 100_000], nowMs: 100_000, kept: [0, 3, 4, 5] },
  ])('$name', ({ atMs, nowMs, overrides, kept }) => {
    expect(samplesToKeep(atMs, rule(nowMs, overrides))).toEqual(kept);
  });

  it('thinning a thinned series changes nothing', () => {
    const atMs = Array.from({ length: 200 }, (_, i) => i * 5_000);
    const r = rule(995_000);
    const once = samplesToKeep(atMs, r).map((i) => atMs[i] as number);
    const twice = samplesToKeep(once, r).map((i) => once[i] as number);
    expect(twice).toEqual(once);
  });
});

describe('appendEndSample', () => {
  it('stays bounded over a long run at a short interval', () => {
    let history: EndHistory | undefined;
    let longest = 0;
    for (let i = 0; i < 20_000; i += 1) {
      history = appendEndSample(history, { atMs: i * 500, end: i * 10 }, rule(i * 500));
      longest = Math.max(longest, history.atMs.length);
    }
    // window 60 s at 1 s + 15 min at 30 s + anchors
    expect(longest).toBeLessThanOrEqual(60 + 30 + 3);
    expect(history?.atMs[0]).toBeLessThanOrEqual(19_999 * 500 - 900_000);
    expect(history?.atMs[0]).toBeGreaterThan(19_999 * 500 - 900_000 - 30_000);
  });

  it('starts over when the end offset goes back (topic recreated)', () => {
    const first = appendEndSample(undefined, { atMs: 1_000, end: 500 }, rule(1_000));
    const second = appendEndSample(first, { atMs: 2_000, end: 10 }, rule(2_000));
    expect(second).toEqual({ atMs: [2_000], end: [10] });
  });

  it('does not change the history it was given', () => {
    const first = appendEndSample(undefined, { atMs: 1_000, end: 5 }, rule(1_000));
    appendEndSample(first, { atMs: 2_000, end: 6 }, rule(2_000));
    expect(first).toEqual({ atMs: [1_000], end: [5] });
  });

  it('drops samples from a clock that went back', () => {
    const a = appendEndSample(undefined, { atMs: 5_000, end: 5 }, rule(5_000));
    const b = appendEndSample(a, { atMs: 3_000, end: 6 }, rule(3_000));
    expect(b).toEqual({ atMs: [3_000], end: [6] });
  });
});

describe('appendCommitSample', () => {
  it('keeps the window and one anchor before it', () => {
    let history;
    for (let s = 0; s <= 120; s += 10) {
      history = appendCommitSample(history, { atMs: s * 1000, committed: s, lag: 1 }, rule(s * 1000, { horizonMs: 60_000, oldResolutionMs: 60_000 }));
    }
    expect(history?.atMs).toEqual([60, 70, 80, 90, 100, 110, 120].map((s) => s * 1000));
    expect(history?.committed).toEqual([60, 70, 80, 90, 100, 110, 120]);
  });
});

describe('windowStartIndex', () => {
  it.each([
    { name: 'empty', atMs: [], index: 0 },
    { name: 'all inside', atMs: [50_000, 60_000], index: 0 },
    { name: 'anchor', atMs: [0, 10_000, 30_000, 60_000], index: 1 },
  ])('$name → $index', ({ atMs, index }) => {
    expect(windowStartIndex(atMs, 70_000, 60_000)).toBe(index);
  });
});
