import { describe, expect, it } from 'vitest';
import { BucketCounts } from './bucket-counts.js';

describe('BucketCounts', () => {
  const bounds = [0.001, 0.01, 0.1];
  const rows: Array<{ name: string; observed: Array<[number, number]>; counts: number[]; sum: number; count: number }> = [
    { name: 'nothing observed', observed: [], counts: [0, 0, 0, 0], sum: 0, count: 0 },
    { name: 'a value on a bound falls in that bucket', observed: [[0.01, 1]], counts: [0, 1, 0, 0], sum: 0.01, count: 1 },
    { name: 'above the last bound is +Inf', observed: [[5, 1]], counts: [0, 0, 0, 1], sum: 5, count: 1 },
    { name: 'several records at once', observed: [[0.0005, 3], [0.05, 2]], counts: [3, 0, 2, 0], sum: 0.1015, count: 5 },
  ];
  it.each(rows)('$name', ({ observed, counts, sum, count }) => {
    const histogram = new BucketCounts(bounds);
    for (const [value, times] of observed) histogram.observe(value, times);
    const snapshot = histogram.snapshot();
    expect(snapshot.counts).toEqual(counts);
    expect(snapshot.sum).toBeCloseTo(sum, 10);
    expect(snapshot.count).toBe(count);
  });

  it('adds counts taken elsewhere with the same bounds', () => {
    const histogram = new BucketCounts(bounds);
    histogram.observe(0.002);
    histogram.add([1, 0, 2, 1], 7.5);
    expect(histogram.snapshot()).toEqual({ bounds, counts: [1, 1, 2, 1], sum: 7.502, count: 5 });
  });
});
