import type { DecisionReason, ScaleAction, ScalingDecision } from '../model/index.js';
import type { PolicyInput } from './policy-input.js';
import { highestRecommendation, recordRecommendation, type PolicyState } from './policy-state.js';
import { fmt, hardCap, recommend } from './recommend.js';
import type { ScalingPolicyOptions } from './scaling-options.js';
import { effectiveThroughput, observeThroughput } from './throughput.js';

/**
 * One scaling decision. Pure: the time comes in `input.nowMs`, the state goes in and a new one
 * comes out (the old one is never changed). Options are assumed valid (validateScalingPolicyOptions).
 *
 * Rules, first match wins:
 * - collection failed: hold; nothing is learned, and the stabilisation window starts over, so
 *   neither the gap nor the rates spanning it ever bring a scale-down;
 * - group rebalancing: hold; the rates of a paused group teach nothing;
 * - at 0 replicas with scaleToZero: scale to ≥ 1 only when lag > activationLag;
 * - above the recommendation: scale up at once;
 * - below it: scale down only to the highest recommendation of the stabilisation window, each
 *   widened by the scale-down tolerance (maxReplicas and the partition count apply at once).
 */
export function decide(state: PolicyState, input: PolicyInput, options: ScalingPolicyOptions): { state: PolicyState; decision: ScalingDecision } {
  const current = input.currentReplicas;
  const decision = (desired: number, recommended: number, reason: DecisionReason, detail: string): ScalingDecision => ({
    atMs: input.nowMs,
    current,
    desired,
    recommended,
    action: actionOf(current, desired),
    reason,
    detail,
  });

  if (!input.collectionOk) {
    return {
      // The window forgets what it held: a gap is no evidence, and the rates right after it span
      // it, so after a failure a scale-down waits for a whole window of fresh recommendations
      // (recordRecommendation seeds it with the current count).
      state: state.recommendations.length === 0 ? state : { ...state, recommendations: [] },
      decision: decision(current, current, 'collection-failed', `collection failed: holding ${current} replica(s), never scaling down on missing metrics`),
    };
  }

  const throughput = observeThroughput(state.throughput, input, options);
  const perReplica = effectiveThroughput(throughput, options);
  const rec = recommend(input, options, perReplica);

  if (input.rebalancing) {
    return {
      state: { ...state, throughput },
      decision: decision(current, rec.formula, 'rebalancing', `group rebalancing: holding ${current} replica(s) (would recommend ${rec.replicas}: ${rec.detail})`),
    };
  }

  // the window keeps what a scale-down may go to: the formula widened by the scale-down tolerance
  const keep = options.scaleDownTolerance > 0 ? recommend(input, options, perReplica, options.scaleDownTolerance) : rec;
  const recommendations = recordRecommendation(
    state.recommendations,
    { atMs: input.nowMs, replicas: Math.max(keep.replicas, rec.replicas) },
    current,
    options.scaleDownStabilizationMs,
  );
  const next: PolicyState = { recommendations, throughput };

  if (options.scaleToZero && current === 0) {
    if (input.totalLag > options.activationLag) {
      const desired = Math.max(1, rec.replicas);
      return {
        state: next,
        decision: decision(desired, rec.formula, 'activation', `lag ${fmt(input.totalLag)} > activation ${fmt(options.activationLag)}: ${rec.detail}`),
      };
    }
    return {
      state: next,
      decision: decision(0, rec.formula, 'below-activation', `at 0 replicas, lag ${fmt(input.totalLag)} ≤ activation ${fmt(options.activationLag)}`),
    };
  }

  if (rec.replicas >= current) return { state: next, decision: decision(rec.replicas, rec.formula, rec.reason, rec.detail) };

  const windowSeconds = fmt(options.scaleDownStabilizationMs / 1000, 1);
  const highest = highestRecommendation(recommendations);
  const cap = hardCap(input, options);
  if (cap.cap < current && cap.cap < highest) {
    return { state: next, decision: decision(cap.cap, rec.formula, cap.reason, `${rec.detail}; above the hard cap ${cap.cap}: down at once`) };
  }
  if (highest >= current) {
    const why = keep.replicas >= current ? 'within the scale-down tolerance' : `highest recommendation in the last ${windowSeconds} s is ${highest}`;
    return { state: next, decision: decision(current, rec.formula, 'stabilizing', `${keep.detail}; ${why}: holding ${current}`) };
  }
  if (highest === keep.replicas) return { state: next, decision: decision(highest, rec.formula, keep.reason, keep.detail) };
  return {
    state: next,
    decision: decision(highest, rec.formula, 'stabilizing', `${keep.detail}; highest recommendation in the last ${windowSeconds} s is ${highest}: down to it`),
  };
}

function actionOf(current: number, desired: number): ScaleAction {
  if (desired > current) return 'scale-up';
  if (desired < current) return 'scale-down';
  return 'hold';
}
