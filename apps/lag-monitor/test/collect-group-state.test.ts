import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka, waitFor, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { createCollector } from '../src/collect/index.js';
import type { GroupSnapshot } from '../src/model/index.js';
import { collectedLag, connectedAdmin, produceCounts } from './collect-helpers.js';

describe('collector: state and members of a live consumer group', () => {
  const t = new TestKafka();
  let admin: Admin;

  beforeAll(async () => {
    admin = await connectedAdmin();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await t.cleanup();
  }, 60_000);

  it('is Stable with one member while a consumer runs, and Empty with none once it leaves', { timeout: 60_000 }, async () => {
    const topic = await t.createTopic({ partitions: 3, prefix: 'collect-state' });
    await produceCounts(await t.producer(), topic, [3, 2, 1]);
    const groupId = t.groupId('collect-state');
    // No configured topics: the group is watched on the topic it is assigned and commits on.
    const collector = createCollector(admin, { groups: [groupId], topics: [], timeoutMs: 10_000 });
    const group = async (): Promise<GroupSnapshot | undefined> => (await collector.collect()).groups.find((g) => g.groupId === groupId);

    const { consumer } = await t.collect({ topic, groupId, fromBeginning: true });
    await waitForGroupCaughtUp(t.admin, groupId, topic, { timeoutMs: 30_000 });
    const live = await collector.collect();
    expect(live.errors).toEqual([]);
    expect(live.groups).toHaveLength(1);
    expect(live.groups[0]).toMatchObject({ groupId, state: 'Stable', members: 1 });
    expect(collectedLag(live, groupId, topic)).toEqual([0, 1, 2].map((partition) => ({ partition, committed: [3, 2, 1][partition], lag: 0 })));

    await consumer.disconnect();
    const left = await waitFor(async () => {
      const g = await group();
      return g?.state === 'Empty' && g;
    }, { timeoutMs: 30_000, description: `group ${groupId} to be Empty` });
    expect(left).toMatchObject({ state: 'Empty', members: 0 });
    expect(left.topics.map((s) => s.topic)).toEqual([topic]);
  });
});
