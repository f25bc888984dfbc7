import { describe, expect, it } from 'vitest';
import { ratePerSecond, timeToDrainSeconds } from './rates.js';

const EPOCH = 1_700_000_000_000;

describe('ratePerSecond', () => {
  it.each([
    { name: 'no samples', atMs: [], values: [], from: 0, rate: 0 },
    { name: 'one sample', atMs: [EPOCH], values: [100], from: 0, rate: 0 },
    { name: 'two samples, 100 records in 10 s', atMs: [EPOCH, EPOCH + 10_000], values: [0, 100], from: 0, rate: 10 },
    { name: 'steady at epoch times', atMs: [0, 5, 10, 15, 20].map((s) => EPOCH + s * 1000), values: [1e9, 1e9 + 500, 1e9 + 1000, 1e9 + 1500, 1e9 + 2000], from: 0, rate: 100 },
    { name: 'flat', atMs: [EPOCH, EPOCH + 5_000, EPOCH + 10_000], values: [42, 42, 42], from: 0, rate: 0 },
    { name: 'offset reset backwards is not negative', atMs: [EPOCH, EPOCH + 5_000], values: [1000, 10], from: 0, rate: 0 },
    { name: 'nulls (no commit yet) are skipped', atMs: [EPOCH, EPOCH + 5_000, EPOCH + 10_000], values: [null, 0, 50], from: 0, rate: 10 },
    { name: 'only one non-null value', atMs: [EPOCH, EPOCH + 5_000], values: [null, 50], from: 0, rate: 0 },
    { name: 'from skips older samples', atMs: [EPOCH, EPOCH + 5_000, EPOCH + 10_000], values: [0, 1000, 1010], from: 1, rate: 2 },
    { name: 'same time twice', atMs: [EPOCH, EPOCH], values: [0, 10], from: 0, rate: 0 },
  ])('$name → $rate/s', ({ atMs, values, from, rate }) => {
    expect(ratePerSecond(atMs, values, from)).toBeCloseTo(rate, 6);
  });

  it('moves less than first/last when one sample is read late', () => {
    // 100 records/s, sampled every 5 s; the middle sample was read 2 s after its cycle started.
    const atMs = [0, 5, 10, 15, 20].map((s) => EPOCH + s * 1000);
    const values = [0, 500, 1200, 1500, 2000];
    const slope = ratePerSecond(atMs, values);
    expect(Math.abs(slope - 100)).toBeLessThan(5);
    // First/last over the last two samples would say 100 too, but over [10 s, 15 s] it says 60.
    expect(ratePerSecond(atMs.slice(2, 4), values.slice(2, 4))).toBeCloseTo(60, 6);
  });
});

describe('timeToDrainSeconds', () => {
  it.each([
    { name: 'no lag', lag: 0, rate: 0, seconds: 0 },
    { name: 'no lag, consuming', lag: 0, rate: 50, seconds: 0 },
    { name: 'lag, consuming', lag: 1000, rate: 50, seconds: 20 },
    { name: 'lag, nothing consumed', lag: 1000, rate: 0, seconds: null },
  ])('$name → $seconds', ({ lag, rate, seconds }) => {
    expect(timeToDrainSeconds(lag, rate)).toBe(seconds);
  });
});
