import type { PolicyInput } from '../../src/policy/index.js';
import type { SimulatedAutoscaler } from './autoscaler.js';

/**
 * KEDA's Kafka scaler feeding a Kubernetes HPA, as documented (a model, not their code):
 * - KEDA reports the total lag; unless idle consumers are allowed, a lag above
 *   partitions × lagThreshold is reported as exactly that, which is how KEDA caps at the partitions;
 * - the HPA treats it as an AverageValue target: ratio = lag / (lagThreshold × current); within the
 *   tolerance of 1 it keeps the count, otherwise it wants ceil(lag / lagThreshold);
 * - scale-down goes only to the highest recommendation of the stabilisation window (300 s);
 *   scale-up has no window but is limited per period to max(+pods, +percent) of the count at the
 *   period's start (4 pods or 100 % per 15 s);
 * - min/max clamp last; a failed metric read changes nothing. KEDA knows nothing of rebalances.
 */
export interface KedaHpaOptions {
  lagThreshold: number;
  minReplicas: number;
  maxReplicas: number;
  allowIdleConsumers: boolean;
  tolerance: number;
  syncPeriodMs: number;
  scaleDownStabilizationMs: number;
  scaleUpPods: number;
  scaleUpPercent: number;
  scaleUpPeriodMs: number;
}

export const defaultKedaHpaOptions = {
  lagThreshold: 10,
  minReplicas: 1,
  maxReplicas: 100,
  allowIdleConsumers: false,
  tolerance: 0.1,
  syncPeriodMs: 15_000,
  scaleDownStabilizationMs: 300_000,
  scaleUpPods: 4,
  scaleUpPercent: 100,
  scaleUpPeriodMs: 15_000,
} satisfies KedaHpaOptions;

export interface KedaHpaState {
  recommendations: Array<{ atMs: number; replicas: number }>;
  /** Replica changes the HPA made, for the scale-up rate limit. */
  changes: Array<{ atMs: number; delta: number }>;
}

export function createKedaHpaState(): KedaHpaState {
  return { recommendations: [], changes: [] };
}

/** The metric KEDA hands the HPA: total lag, capped at partitions × threshold unless idle consumers are allowed. */
export function kedaMetric(input: Pick<PolicyInput, 'totalLag' | 'partitionCount'>, options: Pick<KedaHpaOptions, 'lagThreshold' | 'allowIdleConsumers'>): number {
  const capped = input.partitionCount * options.lagThreshold;
  if (!options.allowIdleConsumers && input.partitionCount > 0 && input.totalLag / options.lagThreshold > input.partitionCount) return capped;
  return input.totalLag;
}

/** The HPA's replica count for an AverageValue metric, with its tolerance. */
export function hpaRecommendation(metric: number, current: number, options: Pick<KedaHpaOptions, 'lagThreshold' | 'tolerance'>): number {
  if (current === 0) return Math.ceil(metric / options.lagThreshold);
  const ratio = metric / (options.lagThreshold * current);
  if (Math.abs(ratio - 1) <= options.tolerance) return current;
  return Math.ceil(ratio * current);
}

/** One HPA sync. Pure: state in, state out. */
export function kedaHpaStep(state: KedaHpaState, input: PolicyInput, options: KedaHpaOptions): { state: KedaHpaState; desired: number; reason: string } {
  const current = input.currentReplicas;
  if (!input.collectionOk) return { state, desired: current, reason: 'metric-unavailable' };

  const rec = hpaRecommendation(kedaMetric(input, options), current, options);
  const recommendations = [...state.recommendations.filter((r) => r.atMs > input.nowMs - options.scaleDownStabilizationMs), { atMs: input.nowMs, replicas: rec }];
  let desired = current;
  let reason = 'within-tolerance';
  const highest = Math.max(...recommendations.map((r) => r.replicas));
  if (rec > current) {
    desired = rec;
    reason = 'scale-up';
  } else if (highest < current) {
    desired = highest;
    reason = 'scale-down';
  } else if (rec < current) {
    reason = 'stabilizing';
  }

  const recentChanges = state.changes.filter((c) => c.atMs > input.nowMs - options.scaleUpPeriodMs);
  const periodStart = current - recentChanges.reduce((sum, c) => sum + Math.max(0, c.delta), 0);
  const upLimit = Math.max(periodStart + options.scaleUpPods, Math.ceil(periodStart * (1 + options.scaleUpPercent / 100)));
  if (desired > upLimit) {
    desired = upLimit;
    reason = 'scale-up-limited';
  }
  desired = Math.min(options.maxReplicas, Math.max(options.minReplicas, desired));
  const changes = desired === current ? recentChanges : [...recentChanges, { atMs: input.nowMs, delta: desired - current }];
  return { state: { recommendations, changes }, desired, reason };
}

export function kedaHpaAutoscaler(name: string, options: KedaHpaOptions): SimulatedAutoscaler {
  let state = createKedaHpaState();
  return {
    name,
    intervalMs: options.syncPeriodMs,
    next(input) {
      const result = kedaHpaStep(state, input, options);
      state = result.state;
      return { desired: result.desired, reason: result.reason };
    },
  };
}
