import { describe, expect, it } from 'vitest';
import type { GroupTopicView, ScalingDecision, Snapshot } from '../model/index.js';
import type { CycleResult } from '../runtime/monitor-service.js';
import { createViewHistory, defaultViewHistoryOptions } from './view-history.js';

const T0 = 1_700_000_000_000;

function view(overrides: Partial<GroupTopicView> & { lags?: number[] } = {}): GroupTopicView {
  const lags = overrides.lags ?? [10, 20];
  return {
    groupId: 'workers',
    topic: 'orders',
    state: 'Stable',
    members: 2,
    partitionCount: lags.length,
    totalLag: lags.reduce((a, b) => a + b, 0),
    partitionsWithLag: lags.filter((l) => l > 0).length,
    uncommittedPartitions: 0,
    productionRate: 100,
    consumptionRate: 90,
    timeToDrainSeconds: 3,
    maxTimeLagSeconds: 4,
    health: 'OK',
    partitions: lags.map((lag, partition) => ({ partition, start: 0, end: 100, committed: 100 - lag, hasCommit: true, lag, productionRate: 50, consumptionRate: 45, timeToDrainSeconds: 1, timeLagSeconds: 2, health: 'OK', healthReason: '' })),
    ...overrides,
  };
}

function decision(atMs: number, current: number, desired: number): ScalingDecision {
  return { atMs, current, desired, recommended: desired, action: desired > current ? 'scale-up' : desired < current ? 'scale-down' : 'hold', reason: 'lag', detail: `lag → ${desired}` };
}

function cycle(i: number, options: { ok?: boolean; views?: GroupTopicView[]; replicas?: [number, number] } = {}): CycleResult {
  const atMs = T0 + i * 1000;
  const snapshot = { atMs, durationMs: 5, ok: options.ok ?? true, topics: [], groups: [], errors: [] } as unknown as Snapshot;
  const [current, desired] = options.replicas ?? [1, 1];
  return { snapshot, views: options.views ?? [view()], scaling: { groupId: 'workers', current, running: current, desired, decision: decision(atMs, current, desired) } };
}

describe('createViewHistory', () => {
  it('keeps one aligned column per quantity, partitions and replicas included', () => {
    const h = createViewHistory(1000);
    h.record(cycle(0, { replicas: [1, 1] }));
    h.record(cycle(1, { views: [view({ lags: [30, 40], health: 'WARN', maxTimeLagSeconds: 9 })], replicas: [1, 3] }));
    const doc = h.toJSON();
    expect(doc.times).toEqual([T0, T0 + 1000]);
    expect(doc.ok).toEqual([true, true]);
    expect(doc.groups).toHaveLength(1);
    const g = doc.groups[0]!;
    expect(g.totalLag).toEqual([30, 70]);
    expect(g.maxTimeLagSeconds).toEqual([4, 9]);
    expect(g.health).toEqual([0, 1]);
    expect(g.partitions).toEqual([
      { partition: 0, lag: [10, 30] },
      { partition: 1, lag: [20, 40] },
    ]);
    expect(doc.scaling).toEqual({ groupId: 'workers', current: [1, 1], desired: [1, 3] });
    // only decisions that changed the count are listed; the latest is kept even when a hold
    expect(doc.decisions.map((d) => [d.current, d.desired])).toEqual([[1, 3]]);
    expect(doc.lastDecision?.desired).toBe(3);
  });

  it('a failed cycle is a gap in the lag columns (not the stale views), replicas still recorded', () => {
    const h = createViewHistory(1000);
    h.record(cycle(0));
    h.record(cycle(1, { ok: false }));
    h.record(cycle(2));
    const doc = h.toJSON();
    expect(doc.ok).toEqual([true, false, true]);
    expect(doc.groups[0]?.totalLag).toEqual([30, null, 30]);
    expect(doc.scaling?.current).toEqual([1, 1, 1]);
  });

  it('a group/topic seen later starts with nulls so its columns stay aligned', () => {
    const h = createViewHistory(1000);
    h.record(cycle(0));
    h.record(cycle(1, { views: [view(), view({ groupId: 'billing', lags: [5] })] }));
    const billing = h.toJSON({ groupId: 'billing', topic: 'orders' }).groups.find((g) => g.groupId === 'billing');
    expect(billing?.totalLag).toEqual([null, 5]);
    expect(billing?.partitions[0]?.lag).toEqual([null, 5]);
  });

  it('is bounded in points, group/topics, partitions and decisions', () => {
    const options = { maxPoints: 5, maxGroupTopics: 2, maxPartitions: 3, maxDecisions: 2 };
    const h = createViewHistory(1000, options);
    const many = ['a', 'b', 'c', 'd'].map((groupId) => view({ groupId, lags: [1, 2, 3, 4, 5, 6] }));
    for (let i = 0; i < 12; i++) h.record(cycle(i, { views: many, replicas: [i, i + 1] }));
    const doc = h.toJSON();
    expect(doc.times).toHaveLength(5);
    expect(doc.times[0]).toBe(T0 + 7000);
    expect(doc.groups.map((g) => g.groupId)).toEqual(['a', 'b']);
    expect(doc.omittedGroupTopics).toBe(2);
    for (const groupId of ['a', 'b']) {
      const g = h.toJSON({ groupId, topic: 'orders' }).groups.find((x) => x.groupId === groupId)!;
      expect(g.partitionCount).toBe(6);
      expect(g.partitionsShown).toBe(3);
      expect(g.partitions).toHaveLength(3);
      for (const column of [g.totalLag, g.health, ...g.partitions.map((p) => p.lag)]) expect(column).toHaveLength(5);
    }
    expect(doc.scaling?.desired).toEqual([8, 9, 10, 11, 12]);
    expect(doc.decisions.map((d) => d.desired)).toEqual([12, 11]);
  });

  it('forgets a group/topic once it has left the window', () => {
    const h = createViewHistory(1000, { ...defaultViewHistoryOptions, maxPoints: 3 });
    h.record(cycle(0, { views: [view({ groupId: 'gone' })] }));
    for (let i = 1; i <= 3; i++) h.record(cycle(i));
    expect(h.toJSON().groups.map((g) => g.groupId)).toEqual(['workers']);
  });

  it('includes the partitions of one group/topic: the asked one, else the scaled group', () => {
    const h = createViewHistory(1000);
    h.record(cycle(0, { views: [view({ groupId: 'billing', lags: [1, 2, 3] }), view()] }));
    const partitionsOf = (doc: ReturnType<typeof h.toJSON>) => Object.fromEntries(doc.groups.map((g) => [g.groupId, g.partitions.length]));
    expect(partitionsOf(h.toJSON())).toEqual({ billing: 0, workers: 2 });
    expect(partitionsOf(h.toJSON({ groupId: 'billing', topic: 'orders' }))).toEqual({ billing: 3, workers: 0 });
    expect(partitionsOf(h.toJSON({ groupId: 'nope', topic: 'orders' }))).toEqual({ billing: 0, workers: 2 });
  });

  it('toJSON returns a copy the caller cannot use to change the history', () => {
    const h = createViewHistory(1000);
    h.record(cycle(0));
    const doc = h.toJSON();
    doc.groups[0]!.totalLag[0] = 999;
    doc.times.push(1);
    expect(h.toJSON().groups[0]?.totalLag).toEqual([30]);
    expect(h.toJSON().times).toEqual([T0]);
  });
});
