import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@lagscale/kafka-core';
import { buildMonitorView } from '../export/monitor-view.js';
import type { ScalingDecision, Snapshot } from '../model/index.js';
import { deriveAll } from '../../test-support/derive-fixtures.js';
import { createCycleLog } from './cycle-log.js';

const T0 = 1_700_000_000_000;

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'lag-monitor', level: 'info', destination: stream }) };
}

const snapshot = (atMs: number): Snapshot => ({
  atMs,
  durationMs: 5,
  ok: true,
  errors: [{ scope: 'group', groupId: 'ghost', code: 'GROUP_NOT_FOUND', message: 'group ghost is not known to the broker' }],
  topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100 }] }],
  groups: [
    { groupId: 'billing', state: 'Stable', members: 2, topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100, committed: 40 }] }] },
    { groupId: 'ghost', state: 'Unknown', members: 0, topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100, committed: null }] }] },
  ],
});

const decision = (desired: number, reason: ScalingDecision['reason'] = 'lag'): ScalingDecision => ({
  atMs: T0, current: 1, desired, recommended: desired, action: desired > 1 ? 'scale-up' : 'hold', reason, detail: `lag 60 asks for ${desired}`,
});

describe('createCycleLog', () => {
  it('logs a decision once while it repeats, and again when it changes', () => {
    const { lines, logger } = capture();
    const log = createCycleLog(logger, { summaryIntervalMs: 0 });
    for (let i = 0; i < 5; i += 1) log.decision({ groupId: 'billing', decision: decision(3) });
    log.decision({ groupId: 'billing', decision: decision(3, 'partition-cap') });
    log.decision({ groupId: 'billing', decision: decision(3, 'partition-cap'), actuatorError: 'forbidden' });
    log.decision({ groupId: 'billing', decision: decision(3, 'partition-cap'), actuatorError: 'forbidden' });
    expect(lines.map((l) => [l.reason, l.level, l.msg])).toEqual([
      ['lag', 30, 'lag 60 asks for 3'],
      ['partition-cap', 30, 'lag 60 asks for 3'],
      ['partition-cap', 50, 'scaling to 3 failed: forbidden'],
    ]);
  });

  it('summarises every group at the first cycle and then once per interval, unknown groups as unknown', () => {
    const { lines, logger } = capture();
    const log = createCycleLog(logger, { summaryIntervalMs: 10_000 });
    const snapshots = [snapshot(T0), snapshot(T0 + 5_000)];
    const { views } = deriveAll(snapshots);
    const view = buildMonitorView({
      snapshot: snapshots[1] as Snapshot,
      views,
      decisions: [],
      scaling: { groupId: 'billing', topics: [], actuator: 'none', mode: 'lag', current: 2, desired: 3 },
    });
    for (const at of [0, 5_000, 9_999, 10_000, 15_000]) log.cycle(view, T0 + at);
    expect(lines.filter((l) => l.group === 'billing')).toHaveLength(2);
    expect(lines[0]).toMatchObject({ summary: true, group: 'billing', lag: 60, health: 'OK', state: 'Stable', members: 2, replicas: 2, desiredReplicas: 3 });
    expect(lines[0]?.msg).toBe('summary: group billing: lag 60 on orders, production 0.0/s, consumption 0.0/s, drains in never (nothing consumed), health OK, Stable, 2 member(s), replicas 2 (desired 3)');
    expect(lines[1]).toMatchObject({ summary: true, group: 'ghost', state: 'Unknown', health: 'UNKNOWN' });
  });

  it('logs no summary with an interval of 0', () => {
    const { lines, logger } = capture();
    const s = snapshot(T0);
    createCycleLog(logger, { summaryIntervalMs: 0 }).cycle(buildMonitorView({ snapshot: s, views: deriveAll([s]).views, decisions: [] }), T0);
    expect(lines).toEqual([]);
  });
});
