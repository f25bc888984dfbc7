import { describe, expect, it } from 'vitest';
import { Prng } from '../workloads/prng.js';
import { ZipfSampler } from './zipf-sampler.js';

describe('ZipfSampler', () => {
  it.each([
    { n: 3, s: 1 },
    { n: 4, s: 0.3 },
    { n: 6, s: 3 },
  ])('draws rank k of n=$n with probability ∝ 1/(k+1)^$s', ({ n, s }) => {
    const sampler = new ZipfSampler(n, s);
    const rng = new Prng(99);
    const draws = 200_000;
    const observed = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i += 1) {
      const rank = sampler.sample(rng);
      observed[rank] = (observed[rank] ?? 0) + 1;
    }
    const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1) ** s);
    const total = weights.reduce((a, b) => a + b, 0);
    // each share within 5 binomial standard deviations
    observed.forEach((count, k) => {
      const p = (weights[k] as number) / total;
      expect(Math.abs(count / draws - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
    });
  });

  it('handles s = 1 exactly, where its integral turns into a logarithm', () => {
    const sampler = new ZipfSampler(1_000, 1);
    const rng = new Prng(1);
    const draws = Array.from({ length: 10_000 }, () => sampler.sample(rng));
    expect(draws.filter((rank) => !(Number.isInteger(rank) && rank >= 0 && rank < 1_000))).toEqual([]);
  });
});
