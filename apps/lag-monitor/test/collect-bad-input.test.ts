import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopic } from '@lagscale/kafka-core';
import { commitAsGroup, TestKafka, uniqueName, waitFor } from '@lagscale/kafka-core/testing';
import { createCollector } from '../src/collect/index.js';
import type { CollectionError, Snapshot } from '../src/model/index.js';
import { collectedLag, connectedAdmin, independentLag, produceCounts, topicsByGroup } from './collect-helpers.js';

const withoutMessages = (errors: readonly CollectionError[]) => errors.map(({ message: _message, ...rest }) => rest);

describe('collector: unknown groups and topics are reported, not thrown', () => {
  const t = new TestKafka();
  const admins: Admin[] = [];
  let topic: string;
  let known: string;

  const admin = async (): Promise<Admin> => {
    const a = await connectedAdmin();
    admins.push(a);
    return a;
  };

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 2, prefix: 'collect-bad' });
    await produceCounts(await t.producer(), topic, [10, 10]);
    known = t.groupId('collect-known');
    await commitAsGroup(t, known, { [topic]: [4, 10] });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(admins.map((a) => a.disconnect()));
    await t.cleanup();
  }, 60_000);

  it('an unknown group is a group-scope GROUP_NOT_FOUND; the other group is unaffected', { timeout: 30_000 }, async () => {
    const ghost = uniqueName('collect-ghost');
    const snapshot = await createCollector(await admin(), { groups: [known, ghost], topics: [], timeoutMs: 10_000 }).collect();
    expect(snapshot.ok).toBe(true);
    expect(withoutMessages(snapshot.errors)).toEqual([{ scope: 'group', groupId: ghost, code: 'GROUP_NOT_FOUND' }]);
    expect(snapshot.groups.find((g) => g.groupId === ghost)).toEqual({ groupId: ghost, state: 'Unknown', members: 0, topics: [] });
    expect(collectedLag(snapshot, known, topic)).toEqual(await independentLag(t.admin, known, topic));
  });

  it('an unknown topic is a topic-scope TOPIC_NOT_FOUND; the known topic is still reported', { timeout: 30_000 }, async () => {
    const missing = uniqueName('collect-missing');
    const snapshot = await createCollector(await admin(), { groups: [known], topics: [missing, topic], timeoutMs: 10_000 }).collect();
    expect(snapshot.ok).toBe(true);
    expect(withoutMessages(snapshot.errors)).toEqual([{ scope: 'topic', topic: missing, code: 'TOPIC_NOT_FOUND' }]);
    expect(topicsByGroup(snapshot)).toEqual({ [known]: [topic] });
    expect(snapshot.topics.map((s) => s.topic)).toEqual([topic]);
    expect(collectedLag(snapshot, known, topic)?.map((p) => p.lag)).toEqual([6, 0]);
  });

  it('a watched topic deleted between cycles: the admin client is renewed and the other topics keep coming', { timeout: 60_000 }, async () => {
    // Not created through t: its cleanup would try to delete it again and retry for seconds.
    const doomed = uniqueName('collect-doomed');
    await ensureTopic(t.admin, { topic: doomed, partitions: 1 });
    const group = t.groupId('collect-doomed');
    await commitAsGroup(t, group, { [topic]: [1, 1], [doomed]: [0] });
    let renewals = 0;
    const collector = createCollector(await admin(), {
      groups: [group],
      topics: [],
      timeoutMs: 10_000,
      renewAdmin: async () => {
        renewals += 1;
        return admin();
      },
    });
    const before = await collector.collect();
    expect(topicsByGroup(before)).toEqual({ [group]: [topic, doomed].sort() });
    // Why renewal exists: a kafkajs admin that read the topic's offsets fails for every topic once it is gone.
    const plain = await admin();
    await plain.fetchTopicOffsets(doomed);

    // Deleted through another client, as an operator would.
    await t.admin.deleteTopics({ topics: [doomed], timeout: 10_000 });
    await waitFor(async () => !(await t.admin.listTopics()).includes(doomed), { timeoutMs: 10_000, description: `${doomed} gone from the metadata` });
    await expect(plain.fetchTopicOffsets(topic)).rejects.toMatchObject({ message: expect.stringContaining('does not host this topic-partition') });
    // The broker's metadata may list the topic for a moment after the delete returns.
    const after = await waitFor<Snapshot>(async () => {
      const s = await collector.collect();
      return renewals === 1 && s.ok && !s.topics.some((x) => x.topic === doomed) && s;
    }, { timeoutMs: 30_000, description: 'a cycle after the admin was renewed' });
    expect(topicsByGroup(after)[group]).toEqual([topic]);
    expect(collectedLag(after, group, topic)).toEqual(await independentLag(t.admin, group, topic));
    // If the broker still holds the group's commit on the deleted topic, that is all it says.
    expect(after.errors.every((e) => e.scope === 'topic' && e.topic === doomed && e.code === 'TOPIC_NOT_FOUND')).toBe(true);
    expect((await collector.collect()).ok).toBe(true);
    expect(renewals).toBe(1);
  });
});
