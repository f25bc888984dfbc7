import { describe, expect, it } from 'vitest';
import { NOW_MS, policyInput as input } from '../../test-support/policy-fixtures.js';
import { createKedaHpaState, defaultKedaHpaOptions, hpaRecommendation, kedaHpaStep, kedaMetric, type KedaHpaState } from './keda-hpa.js';

const options = { ...defaultKedaHpaOptions, lagThreshold: 10, maxReplicas: 100 };

describe('kedaMetric', () => {
  it.each([
    { name: 'below the cap: the total lag', totalLag: 200, partitionCount: 32, allowIdleConsumers: false, metric: 200 },
    { name: 'exactly partitions × threshold', totalLag: 320, partitionCount: 32, allowIdleConsumers: false, metric: 320 },
    { name: 'above: capped at partitions × threshold', totalLag: 5_000, partitionCount: 32, allowIdleConsumers: false, metric: 320 },
    { name: 'idle consumers allowed: no cap', totalLag: 5_000, partitionCount: 32, allowIdleConsumers: true, metric: 5_000 },
  ])('$name', ({ totalLag, partitionCount, allowIdleConsumers, metric }) => {
    expect(kedaMetric({ totalLag, partitionCount }, { lagThreshold: 10, allowIdleConsumers })).toBe(metric);
  });
});

describe('hpaRecommendation', () => {
  it.each([
    { name: 'ratio 1.09 is within the tolerance', metric: 109, current: 10, replicas: 10 },
    { name: 'ratio 0.91 is within the tolerance', metric: 91, current: 10, replicas: 10 },
    { name: 'ratio 1.2: ceil(lag / threshold)', metric: 120, current: 10, replicas: 12 },
    { name: 'ratio 0.5: down to ceil(lag / threshold)', metric: 50, current: 10, replicas: 5 },
    // KEDA issue 2908: at 31 of 32 partitions the capped metric is within the tolerance, the 32nd replica never comes
    { name: 'one below the partition cap stays there', metric: 320, current: 31, replicas: 31 },
    { name: 'from zero', metric: 35, current: 0, replicas: 4 },
  ])('$name', ({ metric, current, replicas }) => {
    expect(hpaRecommendation(metric, current, options)).toBe(replicas);
  });
});

describe('kedaHpaStep', () => {
  it.each([
    { name: '1 → at most 5 in one period (4 pods beats 100 %)', current: 1, totalLag: 300, desired: 5, reason: 'scale-up-limited' },
    { name: '10 → at most 20 in one period (100 % beats 4 pods)', current: 10, totalLag: 300, desired: 20, reason: 'scale-up-limited' },
    { name: 'within the limit', current: 10, totalLag: 150, desired: 15, reason: 'scale-up' },
    { name: 'metric unavailable: unchanged', current: 10, totalLag: 0, collectionOk: false, desired: 10, reason: 'metric-unavailable' },
  ])('$name', ({ current, totalLag, collectionOk, desired, reason }) => {
    const result = kedaHpaStep(createKedaHpaState(), input({ currentReplicas: current, totalLag, collectionOk: collectionOk ?? true }), options);
    expect({ desired: result.desired, reason: result.reason }).toEqual({ desired, reason });
  });

  it('counts earlier scale-ups of the same period against the limit', () => {
    const state: KedaHpaState = { recommendations: [], changes: [{ atMs: NOW_MS - 10_000, delta: 4 }] };
    // 5 now, 1 at the period's start: the limit is still 5
    const result = kedaHpaStep(state, input({ currentReplicas: 5, totalLag: 300 }), options);
    expect(result.desired).toBe(5);
  });

  it('scales down only to the highest recommendation of the last 300 s', () => {
    let state = createKedaHpaState();
    const desired: number[] = [];
    let current = 8;
    for (let second = 0; second <= 330; second += 15) {
      const totalLag = second === 0 ? 80 : 20;
      const result = kedaHpaStep(state, input({ nowMs: second * 1000, currentReplicas: current, totalLag }), options);
      state = result.state;
      current = result.desired;
      desired.push(current);
    }
    expect(desired.slice(0, 20).every((n) => n === 8)).toBe(true);
    expect(desired.at(-1)).toBe(2);
  });
});
