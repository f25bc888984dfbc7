import { describe, expect, it } from 'vitest';
import type { DecisionReason, ScaleAction } from '../model/index.js';
import { decide } from './decide.js';
import { NOW_MS, policyInput, stateWith, testOptions } from '../../test-support/policy-fixtures.js';
import type { PolicyInput } from './policy-input.js';
import { createPolicyState, type PolicyState } from './policy-state.js';
import type { ScalingPolicyOptions } from './scaling-options.js';

interface Row {
  name: string;
  options?: Partial<ScalingPolicyOptions>;
  input: Partial<PolicyInput>;
  history?: Array<{ secondsAgo: number; replicas: number }>;
  learnedPerReplica?: number;
  desired: number;
  action: ScaleAction;
  reason: DecisionReason;
}

function check(row: Row) {
  const state = stateWith(row.history ?? [], row.learnedPerReplica ?? null);
  const { decision } = decide(state, policyInput(row.input), { ...testOptions, ...row.options });
  expect({ desired: decision.desired, action: decision.action, reason: decision.reason }, decision.detail).toEqual({
    desired: row.desired,
    action: row.action,
    reason: row.reason,
  });
}

const rate = { mode: 'rate' } as const;

describe('decide: the two modes', () => {
  const rows: Row[] = [
    { name: 'lag: ceil(8500 / 1000) = 9', input: { currentReplicas: 2, totalLag: 8_500 }, desired: 9, action: 'scale-up', reason: 'lag' },
    { name: 'lag: an exact multiple is not rounded up', input: { currentReplicas: 2, totalLag: 8_000 }, desired: 8, action: 'scale-up', reason: 'lag' },
    { name: 'lag: equal to current holds', input: { currentReplicas: 8, totalLag: 8_000 }, desired: 8, action: 'hold', reason: 'lag' },
    { name: 'lag: production does not count', input: { currentReplicas: 1, totalLag: 0, productionRate: 50_000 }, desired: 1, action: 'hold', reason: 'min-replicas' },
    {
      name: 'rate: floor before anything is learned, (12000 + 84000/60) / 1000 = 13.4 → 14',
      options: rate,
      input: { currentReplicas: 2, productionRate: 12_000, totalLag: 84_000 },
      desired: 14,
      action: 'scale-up',
      reason: 'rate',
    },
    {
      name: 'rate: learned 2500/s, (12000 + 84000/60) / 2500 = 5.36 → 6',
      options: rate,
      input: { currentReplicas: 2, productionRate: 12_000, totalLag: 84_000 },
      learnedPerReplica: 2_500,
      desired: 6,
      action: 'scale-up',
      reason: 'rate',
    },
    {
      name: 'rate: a learned value below the floor uses the floor',
      options: { ...rate, minThroughputPerReplica: 4_000 },
      input: { currentReplicas: 2, productionRate: 12_000, totalLag: 84_000 },
      learnedPerReplica: 2_500,
      desired: 4,
      action: 'scale-up',
      reason: 'rate',
    },
    {
      name: 'rate: no lag, production alone',
      options: rate,
      input: { currentReplicas: 3, productionRate: 5_000 },
      learnedPerReplica: 2_500,
      desired: 3,
      action: 'hold',
      reason: 'stabilizing',
    },
  ];
  it.each(rows)('$name', check);

  it('explains the rate formula with its numbers', () => {
    const { decision } = decide(
      stateWith([], 2_500),
      policyInput({ currentReplicas: 2, productionRate: 12_000, totalLag: 84_000 }),
      { ...testOptions, mode: 'rate' },
    );
    expect(decision.detail).toBe('rate: (12000/s + 84000 lag / 60 s) / 2500/s per replica = 5.36 → 6');
    expect(decision.recommended).toBe(6);
  });

  it('explains the lag formula with its numbers', () => {
    const { decision } = decide(createPolicyState(), policyInput({ currentReplicas: 2, totalLag: 8_500 }), testOptions);
    expect(decision.detail).toBe('lag: 8500 / 1000 per replica = 8.5 → 9');
  });
});

describe('decide: min, max and the partition caps', () => {
  const rows: Row[] = [
    { name: 'above maxReplicas', input: { currentReplicas: 2, totalLag: 50_000 }, desired: 20, action: 'scale-up', reason: 'max-replicas' },
    { name: 'exactly maxReplicas', input: { currentReplicas: 2, totalLag: 20_000 }, desired: 20, action: 'scale-up', reason: 'lag' },
    { name: 'below minReplicas', options: { minReplicas: 3 }, input: { currentReplicas: 3, totalLag: 500 }, desired: 3, action: 'hold', reason: 'min-replicas' },
    { name: 'exactly at the partition count', input: { currentReplicas: 2, totalLag: 12_000, partitionCount: 12 }, desired: 12, action: 'scale-up', reason: 'lag' },
    { name: 'one above the partition count', input: { currentReplicas: 2, totalLag: 13_000, partitionCount: 12 }, desired: 12, action: 'scale-up', reason: 'partition-cap' },
    {
      name: 'partition count below maxReplicas caps a max-sized formula',
      input: { currentReplicas: 2, totalLag: 90_000, partitionCount: 12 },
      desired: 12,
      action: 'scale-up',
      reason: 'partition-cap',
    },
    {
      name: 'partition cap is absolute, even under minReplicas',
      options: { minReplicas: 5 },
      input: { currentReplicas: 3, totalLag: 0, partitionCount: 3 },
      desired: 3,
      action: 'hold',
      reason: 'partition-cap',
    },
    { name: 'partition count 0 (unknown) caps nothing', input: { currentReplicas: 2, totalLag: 5_000, partitionCount: 0, partitionsWithLag: 0 }, desired: 5, action: 'scale-up', reason: 'lag' },
    {
      name: 'with-lag-only: capped at the partitions with lag',
      options: { capToLaggingPartitions: true },
      input: { currentReplicas: 2, totalLag: 12_000, partitionsWithLag: 4 },
      desired: 4,
      action: 'scale-up',
      reason: 'lagging-partitions-cap',
    },
    {
      name: 'with-lag-only: exactly at the partitions with lag',
      options: { capToLaggingPartitions: true },
      input: { currentReplicas: 2, totalLag: 12_000, partitionsWithLag: 12 },
      desired: 12,
      action: 'scale-up',
      reason: 'lag',
    },
    {
      name: 'with-lag-only: one above the partitions with lag',
      options: { capToLaggingPartitions: true },
      input: { currentReplicas: 2, totalLag: 13_000, partitionsWithLag: 12 },
      desired: 12,
      action: 'scale-up',
      reason: 'lagging-partitions-cap',
    },
    {
      name: 'with-lag-only: no partition with lag still allows one',
      options: { ...rate, capToLaggingPartitions: true },
      input: { currentReplicas: 1, productionRate: 5_000, totalLag: 0, partitionsWithLag: 0 },
      desired: 1,
      action: 'hold',
      reason: 'lagging-partitions-cap',
    },
    {
      name: 'with-lag-only: never below minReplicas',
      options: { capToLaggingPartitions: true, minReplicas: 3 },
      input: { currentReplicas: 3, totalLag: 9_000, partitionsWithLag: 1 },
      desired: 3,
      action: 'hold',
      reason: 'min-replicas',
    },
    {
      name: 'with-lag-only: applies after maxReplicas',
      options: { capToLaggingPartitions: true },
      input: { currentReplicas: 2, totalLag: 40_000, partitionCount: 32, partitionsWithLag: 12 },
      desired: 12,
      action: 'scale-up',
      reason: 'lagging-partitions-cap',
    },
  ];
  it.each(rows)('$name', check);
});

describe('decide: stabilisation window (scale up at once, down after the window)', () => {
  const rows: Row[] = [
    { name: 'up at once, whatever the window holds', input: { currentReplicas: 3, totalLag: 8_000 }, history: [{ secondsAgo: 10, replicas: 2 }], desired: 8, action: 'scale-up', reason: 'lag' },
    { name: 'down held inside the window', input: { currentReplicas: 8, totalLag: 3_000 }, history: [{ secondsAgo: 100, replicas: 8 }], desired: 8, action: 'hold', reason: 'stabilizing' },
    {
      name: 'down after the window, to the highest recommendation still inside it',
      input: { currentReplicas: 8, totalLag: 3_000 },
      history: [{ secondsAgo: 310, replicas: 8 }, { secondsAgo: 200, replicas: 5 }, { secondsAgo: 100, replicas: 4 }],
      desired: 5,
      action: 'scale-down',
      reason: 'stabilizing',
    },
    {
      name: 'down to the recommendation when it is the highest in the window',
      input: { currentReplicas: 8, totalLag: 3_000 },
      history: [{ secondsAgo: 300, replicas: 8 }, { secondsAgo: 100, replicas: 3 }],
      desired: 3,
      action: 'scale-down',
      reason: 'lag',
    },
    { name: 'the first decision never scales down (no history yet)', input: { currentReplicas: 8, totalLag: 3_000 }, desired: 8, action: 'hold', reason: 'stabilizing' },
    { name: 'window 0: down at once', options: { scaleDownStabilizationMs: 0 }, input: { currentReplicas: 8, totalLag: 3_000 }, desired: 3, action: 'scale-down', reason: 'lag' },
    {
      name: 'above maxReplicas: down to it at once, inside the window',
      options: { maxReplicas: 10 },
      input: { currentReplicas: 15, totalLag: 3_000 },
      history: [{ secondsAgo: 30, replicas: 15 }],
      desired: 10,
      action: 'scale-down',
      reason: 'max-replicas',
    },
    {
      name: 'above the partition count: down to it at once',
      input: { currentReplicas: 15, totalLag: 3_000, partitionCount: 12 },
      history: [{ secondsAgo: 30, replicas: 15 }],
      desired: 12,
      action: 'scale-down',
      reason: 'partition-cap',
    },
  ];
  it.each(rows)('$name', check);

  const tolerance = { scaleDownTolerance: 0.1 } as const;
  const toleranceRows: Row[] = [
    { name: 'tolerance: up uses the formula as is (9.5 → 10)', options: tolerance, input: { currentReplicas: 5, totalLag: 9_500 }, desired: 10, action: 'scale-up', reason: 'lag' },
    {
      name: 'tolerance: no step down to a count within 10 % of the formula (10.5 × 1.1 → 12)',
      options: tolerance,
      input: { currentReplicas: 12, totalLag: 10_500 },
      history: [{ secondsAgo: 310, replicas: 12 }, { secondsAgo: 100, replicas: 11 }],
      desired: 12,
      action: 'hold',
      reason: 'stabilizing',
    },
    {
      name: 'tolerance: down to the widened count (9 × 1.1 → 10)',
      options: tolerance,
      input: { currentReplicas: 12, totalLag: 9_000 },
      history: [{ secondsAgo: 310, replicas: 12 }, { secondsAgo: 100, replicas: 10 }],
      desired: 10,
      action: 'scale-down',
      reason: 'lag',
    },
    {
      name: 'tolerance: an idle group still goes to zero',
      options: { ...tolerance, minReplicas: 0, scaleToZero: true },
      input: { currentReplicas: 1 },
      history: [{ secondsAgo: 310, replicas: 1 }, { secondsAgo: 100, replicas: 0 }],
      desired: 0,
      action: 'scale-down',
      reason: 'scale-to-zero',
    },
  ];
  it.each(toleranceRows)('$name', check);

  it('explains a hold by the tolerance', () => {
    const { decision } = decide(stateWith([{ secondsAgo: 100, replicas: 11 }]), policyInput({ currentReplicas: 12, totalLag: 10_500 }), {
      ...testOptions,
      scaleDownTolerance: 0.1,
    });
    expect(decision.detail).toBe('lag: 10500 / 1000 per replica = 10.5, +10 % scale-down tolerance = 11.55 → 12; within the scale-down tolerance: holding 12');
  });

  it('holds through the window and then steps down once, with no reversal', () => {
    const options = { ...testOptions, scaleDownStabilizationMs: 60_000 };
    let state = createPolicyState();
    const trace: Array<{ second: number; desired: number }> = [];
    let current = 1;
    // lag high for 30 s, then low for good
    for (let second = 0; second <= 150; second += 5) {
      const totalLag = second < 30 ? 8_000 : 2_000;
      const result = decide(state, policyInput({ nowMs: NOW_MS + second * 1000, currentReplicas: current, totalLag }), options);
      state = result.state;
      if (result.decision.desired !== current) trace.push({ second, desired: result.decision.desired });
      current = result.decision.desired;
    }
    // up at 0 s; the last 8 is seen at 25 s, so down at the first cycle a full window later (85 s)
    expect(trace).toEqual([
      { second: 0, desired: 8 },
      { second: 85, desired: 2 },
    ]);
  });
});

describe('decide: holds', () => {
  const rows: Row[] = [
    { name: 'rebalancing with a huge lag: no scale-up', input: { currentReplicas: 2, totalLag: 50_000, rebalancing: true }, desired: 2, action: 'hold', reason: 'rebalancing' },
    { name: 'rebalancing with no lag: no scale-down', options: { scaleDownStabilizationMs: 0 }, input: { currentReplicas: 6, rebalancing: true }, desired: 6, action: 'hold', reason: 'rebalancing' },
    { name: 'collection failed with a huge lag', input: { currentReplicas: 2, totalLag: 50_000, collectionOk: false }, desired: 2, action: 'hold', reason: 'collection-failed' },
    {
      name: 'collection failed with zeros: never scale down',
      options: { scaleDownStabilizationMs: 0 },
      input: { currentReplicas: 6, collectionOk: false },
      desired: 6,
      action: 'hold',
      reason: 'collection-failed',
    },
    {
      name: 'collection failed with scale to zero and a long idle history: never to zero',
      options: { minReplicas: 0, scaleToZero: true },
      input: { currentReplicas: 1, collectionOk: false },
      history: [{ secondsAgo: 400, replicas: 0 }, { secondsAgo: 100, replicas: 0 }],
      desired: 1,
      action: 'hold',
      reason: 'collection-failed',
    },
    { name: 'collection failed at zero replicas: stays at zero', options: { minReplicas: 0, scaleToZero: true }, input: { currentReplicas: 0, totalLag: 9_000, collectionOk: false }, desired: 0, action: 'hold', reason: 'collection-failed' },
  ];
  it.each(rows)('$name', check);

  it('learns nothing from a failed collection (its window starts over), and only learning (no history) from a rebalance', () => {
    const state = stateWith([{ secondsAgo: 10, replicas: 4 }]);
    const failed = decide(state, policyInput({ currentReplicas: 4, collectionOk: false }), testOptions);
    expect(failed.state).toEqual({ ...state, recommendations: [] });
    const rebalancing = decide(state, policyInput({ currentReplicas: 4, rebalancing: true }), testOptions);
    expect(rebalancing.state.recommendations).toEqual(state.recommendations);
  });
});

describe('decide: after a gap in the metrics', () => {
  it('scales down only after a whole window of fresh evidence, however short the gap', () => {
    const options = { ...testOptions, scaleDownStabilizationMs: 60_000 };
    let state = createPolicyState();
    let current = 1;
    const trace: Array<{ second: number; desired: number; reason: DecisionReason }> = [];
    // lag high until 30 s; the broker is away from 30 s to 50 s; lag low from then on
    for (let second = 0; second <= 150; second += 5) {
      const collectionOk = second < 30 || second >= 50;
      const totalLag = second < 30 ? 8_000 : 2_000;
      const result = decide(state, policyInput({ nowMs: NOW_MS + second * 1000, currentReplicas: current, totalLag, collectionOk }), options);
      state = result.state;
      if (result.decision.desired !== current) trace.push({ second, desired: result.decision.desired, reason: result.decision.reason });
      current = result.decision.desired;
    }
    // Without the gap the last 8 (at 25 s) would allow 2 at 90 s; the window restarts at 50 s.
    expect(trace).toEqual([
      { second: 0, desired: 8, reason: 'lag' },
      { second: 110, desired: 2, reason: 'lag' },
    ]);
  });
});

describe('decide: scale to zero and activation', () => {
  const toZero = { minReplicas: 0, scaleToZero: true, activationLag: 100 } as const;
  const rows: Row[] = [
    {
      name: 'idle for a whole window: to zero',
      options: toZero,
      input: { currentReplicas: 1 },
      history: [{ secondsAgo: 310, replicas: 1 }, { secondsAgo: 200, replicas: 0 }, { secondsAgo: 100, replicas: 0 }],
      desired: 0,
      action: 'scale-down',
      reason: 'scale-to-zero',
    },
    { name: 'idle inside the window: held', options: toZero, input: { currentReplicas: 1 }, history: [{ secondsAgo: 100, replicas: 1 }], desired: 1, action: 'hold', reason: 'stabilizing' },
    {
      name: 'lag at the activation threshold and no production counts as idle',
      options: toZero,
      input: { currentReplicas: 1, totalLag: 100 },
      history: [{ secondsAgo: 310, replicas: 1 }, { secondsAgo: 100, replicas: 0 }],
      desired: 0,
      action: 'scale-down',
      reason: 'scale-to-zero',
    },
    {
      name: 'production without lag is not idle: one replica stays',
      options: toZero,
      input: { currentReplicas: 1, productionRate: 10 },
      history: [{ secondsAgo: 310, replicas: 0 }, { secondsAgo: 100, replicas: 0 }],
      desired: 1,
      action: 'hold',
      reason: 'min-replicas',
    },
    { name: 'at zero, lag at the threshold: stays at zero', options: toZero, input: { currentReplicas: 0, totalLag: 100 }, desired: 0, action: 'hold', reason: 'below-activation' },
    { name: 'at zero, production but no lag yet: stays at zero', options: toZero, input: { currentReplicas: 0, productionRate: 500 }, desired: 0, action: 'hold', reason: 'below-activation' },
    { name: 'at zero, lag one above the threshold: activation to one', options: toZero, input: { currentReplicas: 0, totalLag: 101 }, desired: 1, action: 'scale-up', reason: 'activation' },
    { name: 'at zero, a big lag: activation straight to the formula', options: toZero, input: { currentReplicas: 0, totalLag: 5_000 }, desired: 5, action: 'scale-up', reason: 'activation' },
    { name: 'at zero, activation is still capped by the partitions', options: toZero, input: { currentReplicas: 0, totalLag: 50_000, partitionCount: 4 }, desired: 4, action: 'scale-up', reason: 'activation' },
    { name: 'at zero without scaleToZero: up to minReplicas', input: { currentReplicas: 0 }, desired: 1, action: 'scale-up', reason: 'min-replicas' },
    { name: 'idle without scaleToZero: minReplicas', input: { currentReplicas: 1 }, desired: 1, action: 'hold', reason: 'min-replicas' },
  ];
  it.each(rows)('$name', check);
});

describe('decide: purity', () => {
  it('returns the same decision for the same inputs and never changes the state it was given', () => {
    const state: PolicyState = stateWith([{ secondsAgo: 100, replicas: 6 }], 2_000);
    const frozen = structuredClone(state);
    deepFreeze(state);
    const input = policyInput({ currentReplicas: 3, productionRate: 9_000, totalLag: 60_000, members: 3, consumptionRate: 6_000 });
    const first = decide(state, input, { ...testOptions, mode: 'rate' });
    const second = decide(state, input, { ...testOptions, mode: 'rate' });
    expect(second).toEqual(first);
    expect(state).toEqual(frozen);
    expect(JSON.parse(JSON.stringify(first.state))).toEqual(first.state);
  });
});

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
