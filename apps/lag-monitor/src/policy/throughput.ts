import type { PolicyInput } from './policy-input.js';
import type { ScalingPolicyOptions } from './scaling-options.js';

/** What the policy has learned about one replica's capacity. Plain data. */
export interface ThroughputState {
  /** Learned records/s per consuming member; null until a backlogged sample taught something. */
  perReplica: number | null;
  learnedAtMs: number | null;
  /** Learning samples taken so far. */
  samples: number;
  /** Start of the current backlogged stretch (same members, no rebalance), null when not backlogged. */
  backlogSinceMs: number | null;
  backlogMembers: number;
}

export function createThroughputState(): ThroughputState {
  return { perReplica: null, learnedAtMs: null, samples: 0, backlogSinceMs: null, backlogMembers: 0 };
}

type LearningOptions = Pick<ScalingPolicyOptions, 'backlogThresholdSeconds' | 'throughputSettleMs' | 'throughputHalfLifeMs'>;

/**
 * Whether consumption per member measures capacity now: every consumer has work (at least as many
 * lagging partitions as consumers) and the lag is more than a few seconds of production, so it is
 * a backlog and not the records in flight between two commits. A caught-up group consumes what is
 * produced, which says nothing about what it could consume.
 */
export function isBacklogged(input: PolicyInput, options: Pick<ScalingPolicyOptions, 'backlogThresholdSeconds'>): boolean {
  const consumers = Math.min(input.members, input.partitionCount);
  return (
    input.collectionOk &&
    !input.rebalancing &&
    consumers > 0 &&
    input.consumptionRate > 0 &&
    input.totalLag > 0 &&
    input.totalLag >= input.productionRate * options.backlogThresholdSeconds &&
    input.partitionsWithLag >= consumers
  );
}

/**
 * Folds one sample into the learned throughput. A sample teaches only after the group has been
 * backlogged for `throughputSettleMs` with unchanged members (the collector's smoothed rates would
 * otherwise still hold idle or paused time). The estimate is a time-weighted moving average: the
 * old value's weight halves per `throughputHalfLifeMs` since the last learning sample, so after a
 * long quiet spell the first fresh sample nearly replaces it; without fresh samples it is kept.
 */
export function observeThroughput(state: ThroughputState, input: PolicyInput, options: LearningOptions): ThroughputState {
  if (!isBacklogged(input, options)) {
    return state.backlogSinceMs === null ? state : { ...state, backlogSinceMs: null, backlogMembers: 0 };
  }
  if (state.backlogSinceMs === null || state.backlogMembers !== input.members) {
    return { ...state, backlogSinceMs: input.nowMs, backlogMembers: input.members };
  }
  if (input.nowMs - state.backlogSinceMs < options.throughputSettleMs) return state;

  const sample = input.consumptionRate / Math.min(input.members, input.partitionCount);
  let perReplica = sample;
  if (state.perReplica !== null && state.learnedAtMs !== null) {
    const elapsedMs = Math.max(0, input.nowMs - state.learnedAtMs);
    const weightOfNew = 1 - 0.5 ** (elapsedMs / options.throughputHalfLifeMs);
    perReplica = state.perReplica + weightOfNew * (sample - state.perReplica);
  }
  return { ...state, perReplica, learnedAtMs: input.nowMs, samples: state.samples + 1 };
}

/** The per-replica throughput the `rate` formula uses: the learned value, never below the floor. */
export function effectiveThroughput(state: ThroughputState, options: Pick<ScalingPolicyOptions, 'minThroughputPerReplica'>): number {
  return Math.max(options.minThroughputPerReplica, state.perReplica ?? 0);
}
