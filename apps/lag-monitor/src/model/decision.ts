/** Why the policy chose a replica count. Exported as a metric label: keep it a closed set. */
export const DECISION_REASONS = [
  'lag',
  'rate',
  'min-replicas',
  'max-replicas',
  'partition-cap',
  'lagging-partitions-cap',
  'stabilizing',
  'rebalancing',
  'collection-failed',
  'scale-to-zero',
  'below-activation',
  'activation',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export const SCALE_ACTIONS = ['scale-up', 'scale-down', 'hold'] as const;
export type ScaleAction = (typeof SCALE_ACTIONS)[number];

export interface ScalingDecision {
  atMs: number;
  current: number;
  /** The replica count to run now (equals current on hold). */
  desired: number;
  /** What the formula asked for before clamps and stabilisation. */
  recommended: number;
  action: ScaleAction;
  /** The rule that settled `desired`. */
  reason: DecisionReason;
  /** One human line: the numbers behind the decision. */
  detail: string;
}
