import type { PolicyInput } from '../src/policy/policy-input.js';
import { createPolicyState, type PolicyState, type RecommendationRecord } from '../src/policy/policy-state.js';
import type { ScalingPolicyOptions } from '../src/policy/scaling-options.js';

// Shared by the policy specs: round numbers so every expected count can be checked by hand.
export const NOW_MS = 1_000_000_000;

export const testOptions: ScalingPolicyOptions = {
  mode: 'lag',
  minReplicas: 1,
  maxReplicas: 20,
  lagPerReplica: 1_000,
  drainTargetSeconds: 60,
  minThroughputPerReplica: 1_000,
  capToLaggingPartitions: false,
  scaleDownStabilizationMs: 300_000,
  // most tables are about the window alone; the tolerance has its own rows
  scaleDownTolerance: 0,
  scaleToZero: false,
  activationLag: 0,
  throughputHalfLifeMs: 60_000,
  backlogThresholdSeconds: 5,
  throughputSettleMs: 20_000,
};

export function policyInput(overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    nowMs: NOW_MS,
    currentReplicas: 1,
    collectionOk: true,
    rebalancing: false,
    members: 1,
    partitionCount: 32,
    partitionsWithLag: 32,
    totalLag: 0,
    productionRate: 0,
    consumptionRate: 0,
    ...overrides,
  };
}

/** A state with recommendations `secondsAgo` before NOW_MS and, optionally, a learned throughput. */
export function stateWith(history: ReadonlyArray<{ secondsAgo: number; replicas: number }> = [], perReplica: number | null = null): PolicyState {
  const recommendations: RecommendationRecord[] = history.map((r) => ({ atMs: NOW_MS - r.secondsAgo * 1000, replicas: r.replicas }));
  const base = createPolicyState();
  return {
    recommendations,
    throughput: { ...base.throughput, perReplica, learnedAtMs: perReplica === null ? null : NOW_MS - 60_000, samples: perReplica === null ? 0 : 1 },
  };
}
