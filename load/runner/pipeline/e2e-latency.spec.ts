import { describe, expect, it } from 'vitest';
import { e2eLatency } from './e2e-latency.ts';

describe('e2eLatency', () => {
  it('pairs inputs with outputs by sequence number, skipping the warm-up and counting what is missing', () => {
    const run = 1_000_000;
    // seq 0 ingested in the warm-up; 1–4 measured; 3 has no output; 5 was never ingested
    const inputs = Float64Array.from([run + 100, run + 2_000, run + 2_100, run + 3_500, run + 3_600, Number.NaN]);
    const outputs = Float64Array.from([run + 150, run + 2_010, run + 2_140, Number.NaN, run + 3_630, Number.NaN]);
    const figures = e2eLatency(inputs, outputs, { runStartMs: run, measuredFromMs: run + 1_000, duplicates: 2 });
    expect(figures).toMatchObject({ inputs: 4, paired: 3, missing: 1, duplicates: 2 });
    expect(figures.latency).toMatchObject({ count: 3, p50Ms: 30, maxMs: 40 });
    expect(figures.perSecond).toEqual([
      { second: 2, p50Ms: 10, p95Ms: 40, p99Ms: 40 },
      { second: 3, p50Ms: 30, p95Ms: 30, p99Ms: 30 },
    ]);
  });
});
