import type { DecisionReason } from '../model/index.js';
import type { PolicyInput } from './policy-input.js';
import type { ScalingPolicyOptions } from './scaling-options.js';

/** What one sample asks for, before stabilisation. */
export interface Recommendation {
  /** The mode's formula, rounded up, before any clamp. */
  formula: number;
  /** After scale-to-zero, max, min and the partition caps. */
  replicas: number;
  /** The rule that settled `replicas`. */
  reason: DecisionReason;
  /** The formula with its numbers, then each clamp that changed the count. */
  detail: string;
}

// ceil() of a ratio that floating point left a hair above an integer (e.g. 3.0000000000000004)
const CEIL_SLACK = 1e-9;

/**
 * The mode's formula: a replica count and a line with its numbers. `headroom` (a fraction) is the
 * scale-down tolerance: the count that keeps that much spare capacity over the formula.
 */
export function formulaReplicas(
  input: PolicyInput,
  options: ScalingPolicyOptions,
  throughputPerReplica: number,
  headroom = 0,
): { replicas: number; detail: string } {
  let ratio: number;
  let formula: string;
  if (options.mode === 'lag') {
    ratio = input.totalLag / options.lagPerReplica;
    formula = `lag: ${fmt(input.totalLag)} / ${fmt(options.lagPerReplica)} per replica`;
  } else {
    ratio = (input.productionRate + input.totalLag / options.drainTargetSeconds) / throughputPerReplica;
    formula =
      `rate: (${fmt(input.productionRate)}/s + ${fmt(input.totalLag)} lag / ${fmt(options.drainTargetSeconds)} s) / ` +
      `${fmt(throughputPerReplica)}/s per replica`;
  }
  if (headroom > 0) {
    const widened = ratio * (1 + headroom);
    const replicas = ceilRatio(widened);
    return { replicas, detail: `${formula} = ${fmt(ratio, 2)}, +${fmt(headroom * 100, 1)} % scale-down tolerance = ${fmt(widened, 2)} → ${replicas}` };
  }
  const replicas = ceilRatio(ratio);
  return { replicas, detail: `${formula} = ${fmt(ratio, 2)} → ${replicas}` };
}

/**
 * The formula, then the clamps in a fixed order; the last clamp that changed the count is the
 * reason. Order and precedence:
 * 1. scale to zero: an idle sample (no production, lag ≤ activationLag) asks for 0; any other
 *    sample for at least 1;
 * 2. maxReplicas, then minReplicas;
 * 3. the lagging-partitions cap, max(1, partitionsWithLag), which never goes below minReplicas
 *    (min is the operator's availability floor, the cap only saves idle consumers);
 * 4. the partition cap, absolute: never above the partition count, even when minReplicas is
 *    higher, because a consumer without a partition does nothing. A count of 0 (unknown) caps nothing.
 */
export function recommend(input: PolicyInput, options: ScalingPolicyOptions, throughputPerReplica: number, headroom = 0): Recommendation {
  const formula = formulaReplicas(input, options, throughputPerReplica, headroom);
  const notes: string[] = [formula.detail];
  let replicas = formula.replicas;
  let reason: DecisionReason = options.mode;
  const clamp = (to: number, why: DecisionReason, note: string) => {
    replicas = to;
    reason = why;
    notes.push(note);
  };

  if (options.scaleToZero) {
    if (isIdle(input, options)) {
      const note = `idle: no production, lag ${fmt(input.totalLag)} ≤ activation ${fmt(options.activationLag)} → 0`;
      return { formula: formula.replicas, replicas: 0, reason: 'scale-to-zero', detail: `${formula.detail}; ${note}` };
    }
    if (replicas < 1) clamp(1, 'min-replicas', `not idle (production ${fmt(input.productionRate)}/s, lag ${fmt(input.totalLag)}): at least 1`);
  }
  if (replicas > options.maxReplicas) clamp(options.maxReplicas, 'max-replicas', `capped at maxReplicas ${options.maxReplicas}`);
  if (replicas < options.minReplicas) clamp(options.minReplicas, 'min-replicas', `raised to minReplicas ${options.minReplicas}`);
  if (options.capToLaggingPartitions) {
    const cap = Math.max(1, input.partitionsWithLag);
    if (replicas > cap) {
      if (cap >= options.minReplicas) clamp(cap, 'lagging-partitions-cap', `capped at ${cap} partition(s) with lag`);
      else clamp(options.minReplicas, 'min-replicas', `${cap} partition(s) with lag, held at minReplicas ${options.minReplicas}`);
    }
  }
  if (input.partitionCount > 0 && replicas > input.partitionCount) {
    clamp(input.partitionCount, 'partition-cap', `capped at ${input.partitionCount} partitions`);
  }
  return { formula: formula.replicas, replicas, reason, detail: notes.join('; ') };
}

/** Nothing to do and nothing coming: the only samples that may ask for zero replicas. */
export function isIdle(input: PolicyInput, options: Pick<ScalingPolicyOptions, 'activationLag'>): boolean {
  return input.productionRate <= 0 && input.totalLag <= options.activationLag;
}

/** The hard ceiling that applies at once, even to a scale-down inside the stabilisation window. */
export function hardCap(input: PolicyInput, options: ScalingPolicyOptions): { cap: number; reason: DecisionReason } {
  if (input.partitionCount > 0 && input.partitionCount < options.maxReplicas) return { cap: input.partitionCount, reason: 'partition-cap' };
  return { cap: options.maxReplicas, reason: 'max-replicas' };
}

function ceilRatio(ratio: number): number {
  return Math.max(0, Math.ceil(ratio - CEIL_SLACK));
}

/** Integers as is, other numbers with up to `digits` decimals: "84000", "5.4", "2500". */
export function fmt(value: number, digits = 0): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(digits)));
}
