import { ConfigError } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { createKeyChooser, keyName, type KeyChooserOptions } from './key-distribution.js';

function counts(options: Partial<KeyChooserOptions>, draws: number): number[] {
  const chooser = createKeyChooser(options);
  const result = new Array<number>(options.keyCount ?? 1_000).fill(0);
  for (let i = 0; i < draws; i += 1) {
    const index = chooser.next();
    result[index] = (result[index] ?? 0) + 1;
  }
  return result;
}

// Pearson's statistic; for k categories its mean is k − 1 and its standard deviation √(2(k − 1)).
function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, count, i) => sum + (count - (expected[i] as number)) ** 2 / (expected[i] as number), 0);
}

describe('createKeyChooser', () => {
  it('uniform: spreads keys evenly (chi-square within 5 standard deviations)', () => {
    const observed = counts({ kind: 'uniform', keyCount: 100, seed: 1 }, 100_000);
    expect(observed.reduce((a, b) => a + b, 0)).toBe(100_000);
    const statistic = chiSquare(observed, new Array<number>(100).fill(1_000));
    const sd = Math.sqrt(2 * 99);
    expect(statistic).toBeLessThan(99 + 5 * sd);
    expect(statistic).toBeGreaterThan(99 - 5 * sd);
  });

  it.each([{ skew: 0.8 }, { skew: 1.1 }, { skew: 1.5 }])('zipf s=$skew: key 0 leads and rank 1 / rank 2 ≈ 2^s', ({ skew }) => {
    const observed = counts({ kind: 'zipf', keyCount: 1_000, skew, seed: 2 }, 200_000);
    const [first, second, third] = observed as [number, number, number];
    expect(Math.max(...observed)).toBe(first);
    expect(first).toBeGreaterThan(second);
    expect(second).toBeGreaterThan(third);
    expect(Math.abs(first / second / 2 ** skew - 1)).toBeLessThan(0.05);
  });

  it.each([{ keyCount: 5, skew: 1.1 }, { keyCount: 20, skew: 0.5 }, { keyCount: 10, skew: 2 }])(
    'zipf n=$keyCount s=$skew: matches the exact probabilities (chi-square within 5 standard deviations)',
    ({ keyCount, skew }) => {
      const draws = 100_000;
      const weights = Array.from({ length: keyCount }, (_, k) => 1 / (k + 1) ** skew);
      const total = weights.reduce((a, b) => a + b, 0);
      const statistic = chiSquare(counts({ kind: 'zipf', keyCount, skew, seed: 3 }, draws), weights.map((w) => (w / total) * draws));
      expect(statistic).toBeLessThan(keyCount - 1 + 5 * Math.sqrt(2 * (keyCount - 1)));
    },
  );

  it('ignores the settings of distributions not chosen', () => {
    expect(() => createKeyChooser({ kind: 'uniform', skew: -1, hotKey: 5_000 })).not.toThrow();
  });

  it('zipf: needs no table, so a hundred million keys are fine', () => {
    const chooser = createKeyChooser({ kind: 'zipf', keyCount: 100_000_000, skew: 1.1, seed: 4 });
    const draws = Array.from({ length: 10_000 }, () => chooser.next());
    expect(draws.filter((index) => !(Number.isInteger(index) && index >= 0 && index < 100_000_000))).toEqual([]);
    expect(draws.filter((index) => index === 0).length).toBeGreaterThan(500);
  });

  it.each<{ name: string; options: Partial<KeyChooserOptions>; expected: number }>([
    { name: 'key 0 by default', options: { kind: 'hot' }, expected: 0 },
    { name: 'the chosen key', options: { kind: 'hot', keyCount: 10, hotKey: 7 }, expected: 7 },
    { name: 'the only key of zipf', options: { kind: 'zipf', keyCount: 1 }, expected: 0 },
    { name: 'the only key of uniform', options: { kind: 'uniform', keyCount: 1 }, expected: 0 },
  ])('always returns $name', ({ options, expected }) => {
    const chooser = createKeyChooser(options);
    expect(new Set(Array.from({ length: 1_000 }, () => chooser.next()))).toEqual(new Set([expected]));
  });

  it.each([{ kind: 'uniform' as const }, { kind: 'zipf' as const }])('$kind: same seed, same keys; other seed, other keys', ({ kind }) => {
    const draw = (seed: number) => {
      const chooser = createKeyChooser({ kind, seed });
      return Array.from({ length: 200 }, () => chooser.next());
    };
    expect(draw(11)).toEqual(draw(11));
    expect(draw(12)).not.toEqual(draw(11));
  });

  it.each<{ name: string; options: Partial<KeyChooserOptions>; problem: string }>([
    { name: 'unknown kind', options: { kind: 'pareto' as KeyChooserOptions['kind'] }, problem: '--key-distribution must be one of uniform, zipf, hot (got "pareto")' },
    { name: 'no keys', options: { keyCount: 0 }, problem: '--keys must be an integer from 1 to 4294967296 (got "0")' },
    { name: 'fractional keys', options: { keyCount: 2.5 }, problem: '--keys must be an integer from 1 to 4294967296 (got "2.5")' },
    { name: 'zero skew', options: { kind: 'zipf', skew: 0 }, problem: '--zipf-skew must be a positive number (got "0")' },
    { name: 'hot key outside the keys', options: { kind: 'hot', keyCount: 10, hotKey: 10 }, problem: '--hot-key must be a key index from 0 to --keys − 1 (got "10")' },
    { name: 'fractional seed', options: { seed: 0.5 }, problem: '--seed must be an integer (got "0.5")' },
    { name: 'no keys for a hot key', options: { kind: 'hot', keyCount: 0 }, problem: '--keys must be an integer from 1 to 4294967296 (got "0")' },
  ])('names the option: $name', ({ options, problem }) => {
    expect.assertions(2);
    expect(() => createKeyChooser(options)).toThrow(ConfigError);
    try {
      createKeyChooser(options);
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([problem]);
    }
  });
});

describe('keyName', () => {
  it.each([
    { index: 0, prefix: 'user', name: 'user-000000' },
    { index: 42, prefix: 'user', name: 'user-000042' },
    { index: 42, prefix: 'sensor', name: 'sensor-000042' },
    { index: 1_234_567, prefix: 'key', name: 'key-1234567' },
  ])('$index, $prefix → $name', ({ index, prefix, name }) => {
    expect(keyName(index, prefix)).toBe(name);
  });
});
