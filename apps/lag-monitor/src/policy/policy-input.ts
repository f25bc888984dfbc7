import { isRebalancing } from '@lagscale/kafka-core';
import type { GroupTopicView } from '../model/index.js';

/** What the policy sees of one scaled group in one cycle. Rates are records/s. */
export interface PolicyInput {
  nowMs: number;
  currentReplicas: number;
  /** False: hold, never scale down. */
  collectionOk: boolean;
  /** Group in PreparingRebalance/CompletingRebalance: hold. */
  rebalancing: boolean;
  /** Group members now. */
  members: number;
  /** Partitions of the watched topic(s), summed over topics. */
  partitionCount: number;
  partitionsWithLag: number;
  totalLag: number;
  productionRate: number;
  /** Whole group. */
  consumptionRate: number;
}

/**
 * Aggregates the views of the scaled group (one or more topics) into a PolicyInput.
 * No views, or a topic without partitions, means the metrics are missing, not that the group is
 * idle: the input is marked `collectionOk: false` so the policy holds instead of scaling to zero.
 */
export function policyInputFrom(
  views: readonly GroupTopicView[],
  context: { nowMs: number; currentReplicas: number; collectionOk: boolean },
): PolicyInput {
  const input: PolicyInput = {
    nowMs: context.nowMs,
    currentReplicas: context.currentReplicas,
    collectionOk: context.collectionOk && views.length > 0 && views.every((view) => view.partitionCount > 0),
    rebalancing: false,
    members: 0,
    partitionCount: 0,
    partitionsWithLag: 0,
    totalLag: 0,
    productionRate: 0,
    consumptionRate: 0,
  };
  for (const view of views) {
    input.rebalancing ||= isRebalancing(view.state);
    // every view of one group reports the same members; max keeps a partial view from lowering it
    input.members = Math.max(input.members, view.members);
    input.partitionCount += view.partitionCount;
    input.partitionsWithLag += view.partitionsWithLag;
    input.totalLag += view.totalLag;
    input.productionRate += view.productionRate;
    input.consumptionRate += view.consumptionRate;
  }
  return input;
}
