import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAsGroup, TestKafka, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { createCollector } from '../src/collect/index.js';
import { collectedLag, connectedAdmin, independentLag, produceCounts, topicsByGroup } from './collect-helpers.js';

// Records per partition of each topic.
const ORDERS = [30, 20, 10];
const AUDIT = [15, 25];
const EXTRA = [5, 5];

describe('collector: several groups at once on the real broker', () => {
  const t = new TestKafka();
  let admin: Admin;
  let orders: string;
  let audit: string;
  let extra: string;
  let consuming: string;
  let partial: string;
  let auditOnly: string;
  let neverCommitted: string;

  beforeAll(async () => {
    [orders, audit, extra] = await Promise.all([
      t.createTopic({ partitions: ORDERS.length, prefix: 'collect-orders' }),
      t.createTopic({ partitions: AUDIT.length, prefix: 'collect-audit' }),
      t.createTopic({ partitions: EXTRA.length, prefix: 'collect-extra' }),
    ]);
    const producer = await t.producer();
    await Promise.all([produceCounts(producer, orders, ORDERS), produceCounts(producer, audit, AUDIT), produceCounts(producer, extra, EXTRA)]);

    consuming = t.groupId('collect-consuming');
    partial = t.groupId('collect-partial');
    auditOnly = t.groupId('collect-audit-only');
    neverCommitted = t.groupId('collect-never');
    // A real consumer reads orders to the end and commits; the others commit chosen positions.
    await t.collect({ topic: orders, groupId: consuming, fromBeginning: true });
    await waitForGroupCaughtUp(t.admin, consuming, orders, { timeoutMs: 30_000 });
    await commitAsGroup(t, partial, { [orders]: [5, 20, 0], [audit]: [3, 25], [extra]: [1, undefined] });
    await commitAsGroup(t, auditOnly, { [audit]: [15, undefined] });
    admin = await connectedAdmin();
  }, 120_000);

  afterAll(async () => {
    await admin?.disconnect();
    await t.cleanup();
  }, 60_000);

  it('per-partition lag equals end − committed read through a separate admin client, for every group and topic', { timeout: 60_000 }, async () => {
    const collector = createCollector(admin, { groups: [partial, neverCommitted, consuming, auditOnly], topics: [orders, audit], timeoutMs: 10_000 });
    const snapshot = await collector.collect();

    // The group that never committed and has no members is one the broker does not know.
    expect(snapshot.errors.map((e) => [e.scope, e.groupId, e.code])).toEqual([['group', neverCommitted, 'GROUP_NOT_FOUND']]);
    expect(snapshot.ok).toBe(true);
    expect(snapshot.groups.map((g) => g.groupId)).toEqual([auditOnly, consuming, neverCommitted, partial]);
    expect(snapshot.topics.map((s) => s.topic)).toEqual([audit, extra, orders].sort());
    // Watched on the configured topics, plus what each committed on (extra only by `partial`).
    expect(topicsByGroup(snapshot)).toEqual({
      [auditOnly]: [audit, orders].sort(),
      [consuming]: [audit, orders].sort(),
      [neverCommitted]: [audit, orders].sort(),
      [partial]: [audit, extra, orders].sort(),
    });

    let compared = 0;
    for (const group of snapshot.groups) {
      for (const { topic } of group.topics) {
        expect({ group: group.groupId, topic, lag: collectedLag(snapshot, group.groupId, topic) }).toEqual({
          group: group.groupId,
          topic,
          lag: await independentLag(t.admin, group.groupId, topic),
        });
        compared += 1;
      }
    }
    expect(compared).toBe(9);

    // The same numbers spelled out, so the comparison above cannot agree on something wrong.
    expect(collectedLag(snapshot, partial, orders)?.map((p) => p.lag)).toEqual([25, 0, 10]);
    expect(collectedLag(snapshot, partial, extra)).toEqual([
      { partition: 0, committed: 1, lag: 4 },
      { partition: 1, committed: null, lag: 5 },
    ]);
    expect(collectedLag(snapshot, consuming, orders)?.map((p) => p.lag)).toEqual([0, 0, 0]);
    expect(collectedLag(snapshot, auditOnly, audit)?.map((p) => p.committed)).toEqual([15, null]);
  });

  it('shows a group that never committed with committed null and lag end − start', { timeout: 30_000 }, async () => {
    const snapshot = await createCollector(admin, { groups: [neverCommitted], topics: [orders, audit], timeoutMs: 10_000 }).collect();
    const group = snapshot.groups[0];
    // Unknown to the broker (Dead, no members, no commits) whatever the configured topics say; the
    // collector still reads them for it (the scaling policy sizes a group before its first
    // replica on them), /status and /metrics report no lag for it (monitor-operator-view.test.ts).
    expect(group).toMatchObject({ groupId: neverCommitted, state: 'Unknown', members: 0 });
    expect(snapshot.errors.map((e) => [e.scope, e.groupId, e.code])).toEqual([['group', neverCommitted, 'GROUP_NOT_FOUND']]);
    expect(collectedLag(snapshot, neverCommitted, orders)).toEqual(ORDERS.map((count, partition) => ({ partition, committed: null, lag: count })));
    expect(collectedLag(snapshot, neverCommitted, audit)).toEqual(AUDIT.map((count, partition) => ({ partition, committed: null, lag: count })));
  });
});
