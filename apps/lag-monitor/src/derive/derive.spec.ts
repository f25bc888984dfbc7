import { describe, expect, it } from 'vitest';
import { AppError, type GroupState } from '@lagscale/kafka-core';
import type { GroupTopicView, Snapshot } from '../model/index.js';
import { commitHistoryOf, createDeriveState, derive, endHistoryOf } from './derive.js';
import { deriveAll } from '../../test-support/derive-fixtures.js';
import { defaultDeriveOptions, type DeriveOptions } from './derive-options.js';

const T0 = 1_700_000_000_000;

interface PartitionSpec {
  partition: number;
  start?: number;
  end: number;
  committed: number | null;
}
interface GroupSpec {
  groupId: string;
  state?: GroupState;
  members?: number;
  topics: Record<string, PartitionSpec[]>;
}

function snapshot(atMs: number, groups: GroupSpec[]): Snapshot {
  const topics = new Map<string, { partition: number; start: number; end: number }[]>();
  for (const g of groups) {
    for (const [topic, partitions] of Object.entries(g.topics)) {
      topics.set(topic, partitions.map((p) => ({ partition: p.partition, start: p.start ?? 0, end: p.end })));
    }
  }
  return {
    atMs,
    durationMs: 5,
    ok: true,
    errors: [],
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    groups: groups.map((g) => ({
      groupId: g.groupId,
      state: g.state ?? 'Stable',
      members: g.members ?? 1,
      topics: Object.entries(g.topics).map(([topic, partitions]) => ({
        topic,
        partitions: partitions.map((p) => ({ partition: p.partition, start: p.start ?? 0, end: p.end, committed: p.committed })),
      })),
    })),
  };
}

/** Runs cycles every `intervalMs` and returns the last views and state. */
function run(cycles: number, intervalMs: number, at: (i: number, atMs: number) => GroupSpec[], opts: DeriveOptions = defaultDeriveOptions) {
  return deriveAll(
    Array.from({ length: cycles }, (_, i) => snapshot(T0 + i * intervalMs, at(i, T0 + i * intervalMs))),
    opts,
  );
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe('derive', () => {
  it('smooths production and consumption rates over the window', () => {
    // 100 records/s produced, 60 records/s committed, sampled every 5 s.
    const { views } = run(30, 5_000, (i) => [{ groupId: 'g', topics: { t: [{ partition: 0, end: i * 500, committed: i * 300 }] } }]);
    const view = only(views);
    const p = only(view.partitions);
    expect(p.productionRate).toBeCloseTo(100, 6);
    expect(p.consumptionRate).toBeCloseTo(60, 6);
    expect(p.lag).toBe(29 * 200);
    expect(p.timeToDrainSeconds).toBeCloseTo((29 * 200) / 60, 6);
    expect(p.health).toBe('WARN');
    expect(view.productionRate).toBeCloseTo(100, 6);
    expect(view.consumptionRate).toBeCloseTo(60, 6);
  });

  it('reports 0 rates after a single sample and OK while warming up', () => {
    const { views } = run(1, 5_000, () => [{ groupId: 'g', topics: { t: [{ partition: 0, end: 1000, committed: 10 }] } }]);
    const p = only(only(views).partitions);
    expect(p.productionRate).toBe(0);
    expect(p.consumptionRate).toBe(0);
    expect(p.timeToDrainSeconds).toBeNull();
    expect(p.timeLagSeconds).toBe(0);
    expect(p.health).toBe('OK');
    expect(p.healthReason).toMatch(/warming up/);
  });

  it('estimates time lag from the end-offset history', () => {
    // 10 records/s produced from the start; the group committed offset 600 (produced at 60 s) and stopped.
    const { views } = run(61, 5_000, (i) => [{ groupId: 'g', topics: { t: [{ partition: 0, end: i * 50, committed: Math.min(i * 50, 600) }] } }]);
    const p = only(only(views).partitions);
    // now = 300 s; offset 600 appeared when the end passed 601, at 60.1 s
    expect(p.timeLagSeconds).toBeCloseTo(300 - 60.1, 6);
    expect(p.health).toBe('STALL');
  });

  it('reports at least the age of the oldest sample when the commit predates the history', () => {
    const { views } = run(3, 10_000, (i) => [{ groupId: 'g', topics: { t: [{ partition: 0, end: 1_000 + i * 100, committed: 5 }] } }]);
    expect(only(only(views).partitions).timeLagSeconds).toBe(20);
  });

  it('applies the reset policy to uncommitted partitions and counts them apart', () => {
    const spec = (): GroupSpec[] => [
      {
        groupId: 'g',
        topics: {
          t: [
            { partition: 0, start: 100, end: 400, committed: null },
            { partition: 1, start: 0, end: 50, committed: 20 },
          ],
        },
      },
    ];
    const earliest = only(run(1, 5_000, spec).views);
    expect(earliest.partitions.map((p) => [p.partition, p.lag, p.hasCommit])).toEqual([
      [0, 300, false],
      [1, 30, true],
    ]);
    expect(earliest.totalLag).toBe(330);
    expect(earliest.uncommittedPartitions).toBe(1);
    expect(earliest.partitionsWithLag).toBe(2);

    const latest = only(run(1, 5_000, spec, { ...defaultDeriveOptions, resetPolicy: 'latest' }).views);
    expect(latest.partitions.map((p) => p.lag)).toEqual([0, 30]);
    expect(latest.uncommittedPartitions).toBe(1);
    expect(latest.partitions[0]?.timeLagSeconds).toBe(0);
  });

  it('says STOP once a group without members kept its lag for a whole window', () => {
    const { views } = run(14, 5_000, () => [{ groupId: 'g', state: 'Empty', members: 0, topics: { t: [{ partition: 0, end: 500, committed: 100 }] } }]);
    const view = only(views);
    expect(view.health).toBe('STOP');
    expect(view.partitions[0]?.healthReason).toMatch(/no members; committed offset 100 unchanged for 60 s with lag 400/);
  });

  it('aggregates per group and topic: sums, worst health, drain time from totals, max time lag', () => {
    const { views } = run(20, 5_000, (i) => [
      {
        groupId: 'g',
        topics: {
          t: [
            { partition: 0, end: i * 100, committed: i * 100 }, // caught up
            { partition: 1, end: 1_000 + i * 10, committed: 200 }, // stuck
          ],
        },
      },
    ]);
    const view = only(views);
    const [p0, p1] = view.partitions as [GroupTopicView['partitions'][number], GroupTopicView['partitions'][number]];
    expect(p0.health).toBe('OK');
    expect(p1.health).toBe('STALL');
    expect(view.health).toBe('STALL');
    expect(view.totalLag).toBe(p1.lag);
    expect(view.productionRate).toBeCloseTo(22, 6);
    expect(view.consumptionRate).toBeCloseTo(20, 6);
    expect(view.timeToDrainSeconds).toBeCloseTo(p1.lag / 20, 6);
    expect(p1.timeToDrainSeconds).toBeNull();
    expect(view.maxTimeLagSeconds).toBe(p1.timeLagSeconds);
    expect(view.maxTimeLagSeconds).toBe(95);
  });

  it('drops groups, topics and partitions that vanish', () => {
    let state = createDeriveState();
    const both: GroupSpec[] = [
      { groupId: 'a', topics: { t1: [{ partition: 0, end: 10, committed: 5 }, { partition: 1, end: 10, committed: 5 }], t2: [{ partition: 0, end: 3, committed: 1 }] } },
      { groupId: 'b', topics: { t1: [{ partition: 0, end: 10, committed: 9 }] } },
    ];
    ({ state } = derive(state, snapshot(T0, both), defaultDeriveOptions));
    expect([...state.commits.keys()]).toEqual(['a', 'b']);
    expect([...state.ends.keys()]).toEqual(['t1', 't2']);

    const fewer: GroupSpec[] = [{ groupId: 'a', topics: { t1: [{ partition: 0, end: 12, committed: 6 }] } }];
    const next = derive(state, snapshot(T0 + 5_000, fewer), defaultDeriveOptions);
    expect([...next.state.commits.keys()]).toEqual(['a']);
    expect([...(next.state.commits.get('a')?.keys() ?? [])]).toEqual(['t1']);
    expect([...(next.state.commits.get('a')?.get('t1')?.keys() ?? [])]).toEqual([0]);
    expect([...next.state.ends.keys()]).toEqual(['t1']);
    expect(next.views.map((v) => `${v.groupId}/${v.topic}`)).toEqual(['a/t1']);
    // the survivor kept its history: two samples
    expect(commitHistoryOf(next.state, 'a', 't1', 0)?.atMs).toHaveLength(2);
    expect(next.state.commitColumns.size).toBe(1);
    expect(next.state.endColumns.size).toBe(1);
  });

  it('keeps the history bounded over a long run', () => {
    const { state } = run(2_000, 1_000, (i) => [{ groupId: 'g', topics: { t: [{ partition: 0, end: i * 10, committed: i * 9 }] } }]);
    const commits = commitHistoryOf(state, 'g', 't', 0);
    const ends = endHistoryOf(state, 't', 0);
    expect(commits?.atMs.length).toBeLessThanOrEqual(62);
    expect(ends?.atMs.length).toBeLessThanOrEqual(60 + 30 + 3);
    // the end-offset history still reaches back about historyMs
    const span = (ends?.atMs.at(-1) ?? 0) - (ends?.atMs[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual(900_000);
    expect(span).toBeLessThan(900_000 + 30_000);
  });

  it('shares one end-offset history between the groups of a topic and judges each group apart', () => {
    const { state, views } = run(14, 5_000, (i) => [
      { groupId: 'fast', topics: { t: [{ partition: 0, end: i * 100, committed: i * 100 }] } },
      { groupId: 'stuck', members: 2, topics: { t: [{ partition: 0, end: i * 100, committed: 0 }] } },
    ]);
    expect(state.ends.size).toBe(1);
    expect(views.map((v) => [v.groupId, v.health])).toEqual([
      ['fast', 'OK'],
      ['stuck', 'STALL'],
    ]);
  });

  it('updates the state in place and reuses the slots of dropped series', () => {
    const first = derive(createDeriveState(), snapshot(T0, [{ groupId: 'g', topics: { t: [{ partition: 0, end: 10, committed: 1 }] } }]), defaultDeriveOptions);
    const second = derive(first.state, snapshot(T0 + 5_000, [{ groupId: 'g', topics: { t: [{ partition: 0, end: 20, committed: 2 }] } }]), defaultDeriveOptions);
    expect(second.state).toBe(first.state);
    expect(commitHistoryOf(second.state, 'g', 't', 0)).toEqual({ atMs: [T0, T0 + 5_000], committed: [1, 2], lag: [9, 18] });
    const third = derive(second.state, snapshot(T0 + 10_000, [{ groupId: 'h', topics: { u: [{ partition: 3, end: 5, committed: null }] } }]), defaultDeriveOptions);
    expect([...third.state.commits.keys()]).toEqual(['h']);
    expect(commitHistoryOf(third.state, 'h', 'u', 3)).toEqual({ atMs: [T0 + 10_000], committed: [null], lag: [5] });
    expect(endHistoryOf(third.state, 'u', 3)).toEqual({ atMs: [T0 + 10_000], end: [5] });
    expect(third.state.commitColumns.size).toBe(1);
  });

  it('reports a group with no topics as no views, and an empty topic as an OK view', () => {
    const groups: GroupSpec[] = [
      { groupId: 'unknown', state: 'Dead', members: 0, topics: {} },
      { groupId: 'g', topics: { empty: [] } },
    ];
    const { views } = run(1, 5_000, () => groups);
    const view = only(views);
    expect(view).toMatchObject({ groupId: 'g', topic: 'empty', partitionCount: 0, totalLag: 0, health: 'OK', timeToDrainSeconds: 0, maxTimeLagSeconds: 0 });
  });

  it('rejects bad options with a ConfigError naming them', () => {
    const bad = { ...defaultDeriveOptions, windowMs: 0, historyMs: 10, minSamples: 1 };
    expect(() => derive(createDeriveState(), snapshot(T0, []), bad)).toThrow(AppError);
    expect(() => derive(createDeriveState(), snapshot(T0, []), bad)).toThrow(/windowMs must be a positive number.*\n.*minSamples/s);
    expect(() => derive(createDeriveState(), snapshot(T0, []), { ...defaultDeriveOptions, historyMs: 1_000 })).toThrow(/historyMs \(1000\) must be at least windowMs/);
  });

  it('has defaults that resolve', () => {
    expect(() => derive(createDeriveState(), snapshot(T0, []), defaultDeriveOptions)).not.toThrow();
  });
});
