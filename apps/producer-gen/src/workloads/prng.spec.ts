import { describe, expect, it } from 'vitest';
import { hashString, mixSeed, Prng } from './prng.js';

const draws = (seed: number, count: number) => {
  const rng = new Prng(seed);
  return Array.from({ length: count }, () => rng.nextUint32());
};

describe('Prng', () => {
  it('repeats its sequence for the same seed and after reseed', () => {
    const rng = new Prng(7);
    const first = Array.from({ length: 5 }, () => rng.next());
    rng.reseed(7);
    expect(Array.from({ length: 5 }, () => rng.next())).toEqual(first);
    expect(draws(7, 100)).toEqual(draws(7, 100));
  });

  it('gives different sequences for different seeds', () => {
    expect(draws(1, 10)).not.toEqual(draws(2, 10));
  });

  it('draws uniformly in [0, 1)', () => {
    const rng = new Prng(123);
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let lowest = 1;
    let highest = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const u = rng.next();
      lowest = Math.min(lowest, u);
      highest = Math.max(highest, u);
      sum += u;
      buckets[Math.floor(u * 10)] = (buckets[Math.floor(u * 10)] ?? 0) + 1;
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it.each([
    { n: 1, bound: 1 },
    { n: 6, bound: 6 },
    { n: 1_000, bound: 1_000 },
  ])('int($n) stays in [0, $bound)', ({ n, bound }) => {
    const rng = new Prng(5);
    const values = Array.from({ length: 10_000 }, () => rng.int(n));
    expect(values.filter((value) => !(Number.isInteger(value) && value >= 0 && value < bound))).toEqual([]);
  });
});

describe('mixSeed and hashString', () => {
  it('are deterministic 32-bit values', () => {
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
    expect(hashString('user-000042')).toBe(hashString('user-000042'));
    for (const value of [mixSeed(0, 0), mixSeed(0xffffffff, 2 ** 53 - 1), hashString('')]) {
      expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32).toBe(true);
    }
  });

  it('spread neighbouring inputs, including sequence numbers past 2^32', () => {
    const seeds = new Set<number>();
    for (let seq = 0; seq < 10_000; seq += 1) seeds.add(mixSeed(42, seq));
    seeds.add(mixSeed(42, 2 ** 32));
    seeds.add(mixSeed(42, 2 ** 32 + 1));
    expect(seeds.size).toBe(10_002);
    expect(hashString('user-000001')).not.toBe(hashString('user-000002'));
  });
});
