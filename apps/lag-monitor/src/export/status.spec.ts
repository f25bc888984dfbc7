import { describe, expect, it } from 'vitest';
import { deriveAll } from '../../test-support/derive-fixtures.js';
import type { GroupTopicView, ScalingDecision, Snapshot } from '../model/index.js';
import { buildMonitorView, type ScalingView } from './monitor-view.js';
import { buildStatus } from './status.js';

const T0 = 1_700_000_000_000;

function snapshot(atMs: number, extra: Partial<Snapshot> = {}): Snapshot {
  return {
    atMs,
    durationMs: 12,
    ok: true,
    errors: [],
    topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100 }, { partition: 1, start: 0, end: 30 }] }],
    groups: [
      { groupId: 'billing', state: 'Stable', members: 2, topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100, committed: 90 }, { partition: 1, start: 0, end: 30, committed: null }] }] },
      { groupId: 'dormant', state: 'Dead', members: 0, topics: [] },
    ],
    ...extra,
  };
}

/** The /status document of one monitor view, as the service builds both. */
function status(input: { snapshot?: Snapshot; views: GroupTopicView[]; decisions: ScalingDecision[]; scaling?: ScalingView; startedAtMs: number; nowMs: number }) {
  const { snapshot, views, decisions, scaling, startedAtMs, nowMs } = input;
  const view = snapshot === undefined ? undefined : buildMonitorView({ snapshot, views, decisions, ...(scaling === undefined ? {} : { scaling }) });
  return buildStatus(view, { startedAtMs, nowMs });
}

describe('buildStatus', () => {
  it('before the first collection: no collection, no groups', () => {
    const doc = status({ views: [], decisions: [], startedAtMs: T0, nowMs: T0 + 1_500 });
    expect(doc).toEqual({
      service: 'lag-monitor',
      generatedAt: new Date(T0 + 1_500).toISOString(),
      startedAt: new Date(T0).toISOString(),
      uptimeSeconds: 1.5,
      collection: null,
      stale: false,
      groups: [],
      topics: [],
      scaling: null,
      decisions: [],
    });
  });

  it('lists every group with its topics and partitions, groups known without topics too', () => {
    const s0 = snapshot(T0);
    const s1 = snapshot(T0 + 10_000, {
      topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 133 }, { partition: 1, start: 0, end: 30 }] }],
      groups: [
        { groupId: 'billing', state: 'Stable', members: 2, topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 133, committed: 100 }, { partition: 1, start: 0, end: 30, committed: null }] }] },
        { groupId: 'dormant', state: 'Dead', members: 0, topics: [] },
      ],
    });
    const doc = status({ snapshot: s1, views: deriveAll([s0, s1]).views, decisions: [], startedAtMs: T0, nowMs: T0 + 12_000 });
    expect(doc.collection).toEqual({ at: new Date(T0 + 10_000).toISOString(), atMs: T0 + 10_000, ok: true, durationMs: 12, ageSeconds: 2, errors: [] });
    expect(doc.stale).toBe(false);
    expect(doc.groups.map((g) => [g.groupId, g.state, g.members, g.totalLag])).toEqual([
      ['billing', 'Stable', 2, 63],
      ['dormant', 'Dead', 0, 0],
    ]);
    const orders = doc.groups[0]?.topics[0];
    expect(orders).toMatchObject({ topic: 'orders', partitionCount: 2, totalLag: 63, uncommittedPartitions: 1, productionRate: 3.3, consumptionRate: 1, health: 'OK', errors: [] });
    expect(orders?.partitions.map((p) => [p.partition, p.committed, p.hasCommit, p.lag, p.productionRate, p.health])).toEqual([
      [0, 100, true, 33, 3.3, 'OK'],
      [1, null, false, 30, 0, 'OK'],
    ]);
    expect(orders?.partitions[0]?.healthReason).toMatch(/warming up/);
    expect(doc.topics).toEqual([{ topic: 'orders', partitionCount: 2, errors: [] }]);
  });

  it('reports unknown groups and topics with their errors instead of failing', () => {
    const s = snapshot(T0, {
      errors: [
        { scope: 'group', groupId: 'ghost', code: 'GROUP_NOT_FOUND', message: 'group ghost does not exist' },
        { scope: 'topic', groupId: 'billing', topic: 'missing', code: 'TOPIC_NOT_FOUND', message: 'topic missing does not exist' },
      ],
    });
    const doc = status({ snapshot: s, views: deriveAll([s]).views, decisions: [], startedAtMs: T0, nowMs: T0 });
    const ghost = doc.groups.find((g) => g.groupId === 'ghost');
    expect(ghost).toMatchObject({ state: 'Unknown', members: 0, totalLag: 0, health: 'OK', topics: [] });
    expect(ghost?.errors.map((e) => e.code)).toEqual(['GROUP_NOT_FOUND']);
    const billing = doc.groups.find((g) => g.groupId === 'billing');
    expect(billing?.topics.map((t) => t.topic)).toEqual(['missing', 'orders']);
    expect(billing?.topics[0]).toMatchObject({ partitionCount: 0, partitions: [], errors: [{ code: 'TOPIC_NOT_FOUND' }] });
    expect(billing?.errors.map((e) => e.code)).toEqual(['TOPIC_NOT_FOUND']);
    expect(doc.topics.find((t) => t.topic === 'missing')).toEqual({ topic: 'missing', partitionCount: 0, errors: [s.errors[1]] });
    expect(doc.collection?.errors).toHaveLength(2);
  });

  it('after a failed cycle: stale, the broker error, and the last known groups', () => {
    const ok = snapshot(T0);
    const views = deriveAll([ok]).views;
    const failed: Snapshot = { atMs: T0 + 5_000, durationMs: 3_000, ok: false, topics: [], groups: [], errors: [{ scope: 'broker', code: 'BROKER_UNREACHABLE', message: 'ECONNREFUSED' }] };
    const doc = status({ snapshot: failed, views, decisions: [], startedAtMs: T0, nowMs: T0 + 9_000 });
    expect(doc.stale).toBe(true);
    expect(doc.collection).toMatchObject({ ok: false, ageSeconds: 4, errors: [{ scope: 'broker', code: 'BROKER_UNREACHABLE' }] });
    expect(doc.groups.map((g) => [g.groupId, g.state, g.totalLag])).toEqual([['billing', 'Stable', 40]]);
    expect(doc.topics).toEqual([{ topic: 'orders', partitionCount: 2, errors: [] }]);
  });

  it('shows the scaling target and the decisions newest first', () => {
    const decisions: ScalingDecision[] = [
      { atMs: T0, current: 1, desired: 2, recommended: 2, action: 'scale-up', reason: 'lag', detail: 'lag 40 over 20 per replica' },
      { atMs: T0 + 5_000, current: 2, desired: 2, recommended: 1, action: 'hold', reason: 'stabilizing', detail: 'holding for 300 s' },
    ];
    const doc = status({
      snapshot: snapshot(T0 + 5_000),
      views: [],
      decisions,
      scaling: { groupId: 'billing', topics: ['orders'], actuator: 'none', current: 2, desired: 2, mode: 'lag' },
      startedAtMs: T0,
      nowMs: T0 + 5_000,
    });
    expect(doc.scaling).toEqual({ groupId: 'billing', topics: ['orders'], actuator: 'none', current: 2, desired: 2, mode: 'lag' });
    expect(doc.decisions.map((d) => [d.action, d.reason, d.at])).toEqual([
      ['hold', 'stabilizing', new Date(T0 + 5_000).toISOString()],
      ['scale-up', 'lag', new Date(T0).toISOString()],
    ]);
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    const s = snapshot(T0);
    const doc = status({ snapshot: s, views: deriveAll([s]).views, decisions: [], startedAtMs: T0, nowMs: T0 });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    // lag with nothing consumed: never drains, shown as "+Inf" as in /metrics (JSON has no Infinity)
    expect(doc.groups[0]?.topics[0]?.timeToDrainSeconds).toBe('+Inf');
  });
});
