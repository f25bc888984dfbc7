import type { GroupState } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import type { GroupTopicView } from '../model/index.js';
import { policyInputFrom } from './policy-input.js';

function view(overrides: Partial<GroupTopicView> = {}): GroupTopicView {
  return {
    groupId: 'orders-workers',
    topic: 'orders',
    state: 'Stable',
    members: 3,
    partitionCount: 12,
    totalLag: 9_000,
    partitionsWithLag: 5,
    uncommittedPartitions: 0,
    productionRate: 4_000,
    consumptionRate: 3_500,
    timeToDrainSeconds: 18,
    maxTimeLagSeconds: 4,
    health: 'OK',
    partitions: [],
    ...overrides,
  };
}

const context = { nowMs: 1_700_000_000_000, currentReplicas: 3, collectionOk: true };

describe('policyInputFrom', () => {
  it('passes one view through', () => {
    expect(policyInputFrom([view()], context)).toEqual({
      nowMs: context.nowMs,
      currentReplicas: 3,
      collectionOk: true,
      rebalancing: false,
      members: 3,
      partitionCount: 12,
      partitionsWithLag: 5,
      totalLag: 9_000,
      productionRate: 4_000,
      consumptionRate: 3_500,
    });
  });

  it('sums the topics of one group and keeps its member count', () => {
    const input = policyInputFrom(
      [view(), view({ topic: 'payments', partitionCount: 6, totalLag: 1_000, partitionsWithLag: 2, productionRate: 500, consumptionRate: 700 })],
      context,
    );
    expect(input).toMatchObject({ members: 3, partitionCount: 18, partitionsWithLag: 7, totalLag: 10_000, productionRate: 4_500, consumptionRate: 4_200 });
  });

  it('keeps the highest member count when a view saw fewer', () => {
    expect(policyInputFrom([view({ members: 2 }), view({ topic: 'payments', members: 3 })], context).members).toBe(3);
  });

  const states: Array<{ state: GroupState; rebalancing: boolean }> = [
    { state: 'Stable', rebalancing: false },
    { state: 'Empty', rebalancing: false },
    { state: 'PreparingRebalance', rebalancing: true },
    { state: 'CompletingRebalance', rebalancing: true },
    { state: 'Dead', rebalancing: false },
  ];
  it.each(states)('group state $state → rebalancing $rebalancing', ({ state, rebalancing }) => {
    expect(policyInputFrom([view({ state })], context).rebalancing).toBe(rebalancing);
  });

  it('is rebalancing when any topic view says so', () => {
    expect(policyInputFrom([view(), view({ topic: 'payments', state: 'PreparingRebalance' })], context).rebalancing).toBe(true);
  });

  const missing: Array<{ name: string; views: GroupTopicView[]; collectionOk: boolean; expected: boolean }> = [
    { name: 'collection ok and views present', views: [view()], collectionOk: true, expected: true },
    { name: 'the collector failed', views: [view()], collectionOk: false, expected: false },
    { name: 'no views at all (metrics vanished)', views: [], collectionOk: true, expected: false },
    { name: 'a topic without partitions (deleted or unreadable)', views: [view(), view({ topic: 'gone', partitionCount: 0, totalLag: 0 })], collectionOk: true, expected: false },
  ];
  it.each(missing)('collectionOk: $name → $expected', ({ views, collectionOk, expected }) => {
    expect(policyInputFrom(views, { ...context, collectionOk }).collectionOk).toBe(expected);
  });
});
