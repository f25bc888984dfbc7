import { describe, expect, it } from 'vitest';
import { cumulativeAt, profileEndMs, rateAt, type RateProfile } from './rate-profile.js';

const constant: RateProfile = { kind: 'constant', rate: 2_000 };
const rampUp: RateProfile = { kind: 'ramp', from: 0, to: 1_000, durationMs: 10_000 };
const rampDown: RateProfile = { kind: 'ramp', from: 1_000, to: 200, durationMs: 4_000 };
const step: RateProfile = {
  kind: 'step',
  steps: [
    { atMs: 1_000, rate: 100 },
    { atMs: 3_000, rate: 500 },
    { atMs: 4_000, rate: 0 },
  ],
};
const spike: RateProfile = { kind: 'spike', base: 1_000, peak: 5_000, atMs: 10_000, durationMs: 5_000 };
const traceLate: RateProfile = {
  kind: 'trace',
  points: [
    { atMs: 1_000, rate: 100 },
    { atMs: 3_000, rate: 300 },
  ],
};
const traceHill: RateProfile = {
  kind: 'trace',
  points: [
    { atMs: 0, rate: 0 },
    { atMs: 2_000, rate: 1_000 },
    { atMs: 4_000, rate: 1_000 },
    { atMs: 6_000, rate: 0 },
  ],
};

describe('rateAt and cumulativeAt', () => {
  it.each<{ name: string; profile: RateProfile; tMs: number; rate: number; cumulative: number }>([
    { name: 'constant before the start', profile: constant, tMs: -5, rate: 0, cumulative: 0 },
    { name: 'constant at the start', profile: constant, tMs: 0, rate: 2_000, cumulative: 0 },
    { name: 'constant at 0.5 s', profile: constant, tMs: 500, rate: 2_000, cumulative: 1_000 },
    { name: 'constant at 10 s', profile: constant, tMs: 10_000, rate: 2_000, cumulative: 20_000 },
    { name: 'ramp up at the start', profile: rampUp, tMs: 0, rate: 0, cumulative: 0 },
    { name: 'ramp up half way', profile: rampUp, tMs: 5_000, rate: 500, cumulative: 1_250 },
    { name: 'ramp up at its end', profile: rampUp, tMs: 10_000, rate: 1_000, cumulative: 5_000 },
    { name: 'ramp up holds its end rate', profile: rampUp, tMs: 12_000, rate: 1_000, cumulative: 7_000 },
    { name: 'ramp down half way', profile: rampDown, tMs: 2_000, rate: 600, cumulative: 1_600 },
    { name: 'ramp down at its end', profile: rampDown, tMs: 4_000, rate: 200, cumulative: 2_400 },
    { name: 'ramp down holds', profile: rampDown, tMs: 5_000, rate: 200, cumulative: 2_600 },
    { name: 'step before the first step', profile: step, tMs: 500, rate: 0, cumulative: 0 },
    { name: 'step at the first step', profile: step, tMs: 1_000, rate: 100, cumulative: 0 },
    { name: 'step inside the first step', profile: step, tMs: 2_000, rate: 100, cumulative: 100 },
    { name: 'step at the second step', profile: step, tMs: 3_000, rate: 500, cumulative: 200 },
    { name: 'step inside the second step', profile: step, tMs: 3_500, rate: 500, cumulative: 450 },
    { name: 'step at the last step (0)', profile: step, tMs: 4_000, rate: 0, cumulative: 700 },
    { name: 'step holds the last step', profile: step, tMs: 9_000, rate: 0, cumulative: 700 },
    { name: 'spike just before the peak', profile: spike, tMs: 9_999, rate: 1_000, cumulative: 9_999 },
    { name: 'spike at the peak start', profile: spike, tMs: 10_000, rate: 5_000, cumulative: 10_000 },
    { name: 'spike inside the peak', profile: spike, tMs: 12_000, rate: 5_000, cumulative: 20_000 },
    { name: 'spike at the peak end', profile: spike, tMs: 15_000, rate: 1_000, cumulative: 35_000 },
    { name: 'spike after the peak', profile: spike, tMs: 20_000, rate: 1_000, cumulative: 40_000 },
    { name: 'trace before its first point', profile: traceLate, tMs: 500, rate: 0, cumulative: 0 },
    { name: 'trace at its first point', profile: traceLate, tMs: 1_000, rate: 100, cumulative: 0 },
    { name: 'trace between points', profile: traceLate, tMs: 2_000, rate: 200, cumulative: 150 },
    { name: 'trace at its last point', profile: traceLate, tMs: 3_000, rate: 300, cumulative: 400 },
    { name: 'trace holds its last rate', profile: traceLate, tMs: 5_000, rate: 300, cumulative: 1_000 },
    { name: 'hill rising', profile: traceHill, tMs: 1_000, rate: 500, cumulative: 250 },
    { name: 'hill top start', profile: traceHill, tMs: 2_000, rate: 1_000, cumulative: 1_000 },
    { name: 'hill top', profile: traceHill, tMs: 3_000, rate: 1_000, cumulative: 2_000 },
    { name: 'hill falling', profile: traceHill, tMs: 5_000, rate: 500, cumulative: 3_750 },
    { name: 'hill end', profile: traceHill, tMs: 6_000, rate: 0, cumulative: 4_000 },
    { name: 'after the hill', profile: traceHill, tMs: 7_000, rate: 0, cumulative: 4_000 },
  ])('$name: t=$tMs ms → $rate/s, $cumulative records', ({ profile, tMs, rate, cumulative }) => {
    expect(rateAt(profile, tMs)).toBeCloseTo(rate, 9);
    expect(cumulativeAt(profile, tMs)).toBeCloseTo(cumulative, 9);
  });

  it.each([{ profile: { kind: 'step', steps: [] } as RateProfile }, { profile: { kind: 'trace', points: [] } as RateProfile }])(
    'treats an empty $profile.kind as silent',
    ({ profile }) => {
      expect(rateAt(profile, 1_000)).toBe(0);
      expect(cumulativeAt(profile, 1_000)).toBe(0);
    },
  );

  it('treats a ramp of no duration as its end rate', () => {
    const instant: RateProfile = { kind: 'ramp', from: 0, to: 100, durationMs: 0 };
    expect(rateAt(instant, 0)).toBe(100);
    expect(cumulativeAt(instant, 2_000)).toBe(200);
  });

  // Midpoint sums on a 1 ms grid: every breakpoint above is a whole ms, so each cell lies in
  // one linear piece, where the midpoint rule is exact; what remains is rounding.
  describe.each([
    { name: 'constant', profile: constant },
    { name: 'ramp up', profile: rampUp },
    { name: 'ramp down', profile: rampDown },
    { name: 'step', profile: step },
    { name: 'spike', profile: spike },
    { name: 'trace', profile: traceLate },
    { name: 'hill', profile: traceHill },
  ])('$name: cumulativeAt is the integral of rateAt', ({ profile }) => {
    it.each([{ tMs: 1 }, { tMs: 777 }, { tMs: 2_500 }, { tMs: 4_001 }, { tMs: 9_999 }, { tMs: 13_333 }, { tMs: 21_000 }])('up to $tMs ms', ({ tMs }) => {
      let numeric = 0;
      for (let cell = 0; cell < tMs; cell += 1) numeric += rateAt(profile, cell + 0.5) / 1_000;
      const exact = cumulativeAt(profile, tMs);
      expect(Math.abs(exact - numeric)).toBeLessThanOrEqual(1e-6 * Math.max(1, exact));
    });
  });

  it('never decreases', () => {
    for (const profile of [constant, rampUp, rampDown, step, spike, traceLate, traceHill]) {
      const values = Array.from({ length: 300 }, (_, i) => cumulativeAt(profile, i * 77));
      expect(values.filter((value, i) => i > 0 && value < (values[i - 1] as number))).toEqual([]);
    }
  });

  it('answers quickly on a day-long trace sampled every second', () => {
    const points = Array.from({ length: 86_400 }, (_, i) => ({ atMs: i * 1_000, rate: 1_000 + 500 * Math.sin(i / 600) }));
    const day: RateProfile = { kind: 'trace', points };
    const started = performance.now();
    let total = 0;
    for (let t = 0; t < 86_400_000; t += 8_640) total += cumulativeAt(day, t);
    // 10,000 lookups; a walk over every point per lookup would take seconds
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(total).toBeGreaterThan(0);
    expect(cumulativeAt(day, 86_399_000)).toBeCloseTo(points.slice(1).reduce((sum, p, i) => sum + (((points[i] as { rate: number }).rate + p.rate) / 2) * 1, 0), 3);
  });
});

describe('profileEndMs', () => {
  it.each<{ name: string; profile: RateProfile; endMs: number }>([
    { name: 'constant', profile: constant, endMs: Infinity },
    { name: 'constant 0', profile: { kind: 'constant', rate: 0 }, endMs: 0 },
    { name: 'ramp up', profile: rampUp, endMs: Infinity },
    { name: 'ramp down to 0', profile: { kind: 'ramp', from: 100, to: 0, durationMs: 3_000 }, endMs: 3_000 },
    { name: 'step ending at 0', profile: step, endMs: 4_000 },
    { name: 'step ending busy', profile: { kind: 'step', steps: [{ atMs: 0, rate: 5 }] }, endMs: Infinity },
    { name: 'spike', profile: spike, endMs: Infinity },
    { name: 'spike from 0', profile: { kind: 'spike', base: 0, peak: 50, atMs: 1_000, durationMs: 500 }, endMs: 1_500 },
    { name: 'trace holding', profile: traceLate, endMs: Infinity },
    { name: 'trace ending at 0', profile: traceHill, endMs: 6_000 },
    { name: 'trace of zeros', profile: { kind: 'trace', points: [{ atMs: 0, rate: 0 }, { atMs: 5, rate: 0 }] }, endMs: 0 },
    { name: 'empty trace', profile: { kind: 'trace', points: [] }, endMs: 0 },
  ])('$name → $endMs', ({ profile, endMs }) => {
    expect(profileEndMs(profile)).toBe(endMs);
    if (Number.isFinite(endMs)) expect(cumulativeAt(profile, endMs + 10_000)).toBeCloseTo(cumulativeAt(profile, endMs), 9);
  });
});
