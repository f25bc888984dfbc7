/** `lag`: replicas from the backlog alone (KEDA-like). `rate`: from production, backlog and learned throughput. */
export const SCALING_MODES = ['lag', 'rate'] as const;
export type ScalingMode = (typeof SCALING_MODES)[number];

/** Settings of the scaling policy; counts are records, rates records/s, unless the name says otherwise. */
export interface ScalingPolicyOptions {
  mode: ScalingMode;
  /** ≥ 0; 0 only with `scaleToZero`. */
  minReplicas: number;
  maxReplicas: number;
  /** Mode `lag`: replicas = ceil(total lag / lagPerReplica). */
  lagPerReplica: number;
  /** Mode `rate`: the backlog should be gone within this many seconds while production goes on. */
  drainTargetSeconds: number;
  /** Mode `rate`: floor of the learned per-replica throughput (records/s), and its value before anything is learned. */
  minThroughputPerReplica: number;
  /** Never run more replicas than partitions that have lag (at least one). */
  capToLaggingPartitions: boolean;
  /** Scale down only to the highest recommendation seen in this window (HPA-style). */
  scaleDownStabilizationMs: number;
  /**
   * Scale down only to a count with this fraction of spare capacity over the formula (0.1: 10 %),
   * so the rebalance a scale-down causes does not push the formula straight back up. Scale-up
   * uses the formula as is.
   */
  scaleDownTolerance: number;
  scaleToZero: boolean;
  /** With `scaleToZero`: from 0 replicas, scale to ≥ 1 only when the total lag is above this. */
  activationLag: number;
  /** Weight of the learned throughput halves per this much time between two learning samples. */
  throughputHalfLifeMs: number;
  /** A sample counts as backlogged when the lag is at least this many seconds of production. */
  backlogThresholdSeconds: number;
  /**
   * Learn only once the group has been backlogged this long with the same members and no
   * rebalance, so the smoothed consumption rate covers busy time only. Keep it ≥ the rate window
   * of derive (`windowMs`, 60 s by default).
   */
  throughputSettleMs: number;
}

export const defaultScalingPolicyOptions = {
  mode: 'rate',
  minReplicas: 1,
  maxReplicas: 10,
  lagPerReplica: 10_000,
  drainTargetSeconds: 60,
  minThroughputPerReplica: 1_000,
  capToLaggingPartitions: false,
  scaleDownStabilizationMs: 300_000,
  scaleDownTolerance: 0.1,
  scaleToZero: false,
  activationLag: 0,
  throughputHalfLifeMs: 60_000,
  backlogThresholdSeconds: 5,
  throughputSettleMs: 60_000,
} satisfies ScalingPolicyOptions;

/** Every problem with the options, each naming its field; empty when they are usable. */
export function validateScalingPolicyOptions(o: ScalingPolicyOptions): string[] {
  const problems: string[] = [];
  if (!(SCALING_MODES as readonly string[]).includes(o.mode)) {
    problems.push(`mode must be one of ${SCALING_MODES.join(', ')} (got ${String(o.mode)})`);
  }
  const minOk = nonNegativeInteger(problems, 'minReplicas', o.minReplicas);
  const maxOk = positiveInteger(problems, 'maxReplicas', o.maxReplicas);
  if (minOk && maxOk && o.minReplicas > o.maxReplicas) {
    problems.push(`minReplicas must not exceed maxReplicas (got ${o.minReplicas} > ${o.maxReplicas})`);
  }
  for (const name of ['lagPerReplica', 'drainTargetSeconds', 'minThroughputPerReplica', 'throughputHalfLifeMs'] as const) {
    const value = o[name];
    if (!(Number.isFinite(value) && value > 0)) problems.push(`${name} must be a positive number (got ${String(value)})`);
  }
  for (const name of ['scaleDownStabilizationMs', 'scaleDownTolerance', 'activationLag', 'backlogThresholdSeconds', 'throughputSettleMs'] as const) {
    const value = o[name];
    if (!(Number.isFinite(value) && value >= 0)) problems.push(`${name} must be a non-negative number (got ${String(value)})`);
  }
  for (const name of ['capToLaggingPartitions', 'scaleToZero'] as const) {
    if (typeof o[name] !== 'boolean') problems.push(`${name} must be true or false (got ${String(o[name])})`);
  }
  if (minOk && o.minReplicas === 0 && o.scaleToZero !== true) {
    problems.push('minReplicas may be 0 only with scaleToZero (got minReplicas 0, scaleToZero false)');
  }
  if (minOk && o.scaleToZero === true && o.minReplicas !== 0) {
    problems.push(`scaleToZero needs minReplicas 0 (got minReplicas ${o.minReplicas})`);
  }
  return problems;
}

function nonNegativeInteger(problems: string[], name: string, value: number): boolean {
  if (Number.isSafeInteger(value) && value >= 0) return true;
  problems.push(`${name} must be a non-negative integer (got ${String(value)})`);
  return false;
}

function positiveInteger(problems: string[], name: string, value: number): boolean {
  if (Number.isSafeInteger(value) && value > 0) return true;
  problems.push(`${name} must be a positive integer (got ${String(value)})`);
  return false;
}
