import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCommittedOffsetColumns, fetchCommittedOffsets, fetchGroupTopicOffsets, fetchPartitionOffsets, summarizeLag } from '../src/index.js';
import { TestKafka } from '../test-support/index.js';

// Records per partition, and the offsets one group commits: chosen so every case differs.
const PRODUCED = [40, 25, 10];
const COMMITTED = [15, 25, 0];
const DELETED_HEAD = [0, 5, 4]; // records removed from the head, so log start > 0

describe('lag on a 3-partition topic of a real broker', () => {
  const t = new TestKafka();
  let topic: string;
  let committedGroup: string;
  let freshGroup: string;

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 3, prefix: 'lag' });
    const producer = await t.producer();
    await producer.send({
      topic,
      messages: PRODUCED.flatMap((count, partition) =>
        Array.from({ length: count }, (_, i) => ({ partition, key: `k${i}`, value: `p${partition}-${i}` })),
      ),
    });
    // kafkajs finds partition leaders from the admin's cached metadata, which does not know a
    // topic created after it connected: load it first or deleteTopicRecords says BrokerNotFound.
    await t.admin.fetchTopicMetadata({ topics: [topic] });
    await t.admin.deleteTopicRecords({
      topic,
      partitions: DELETED_HEAD.map((offset, partition) => ({ partition, offset: String(offset) })).filter((p) => p.offset !== '0'),
    });
    committedGroup = t.groupId('lag-committed');
    freshGroup = t.groupId('lag-fresh');
    // A real OffsetCommit on the broker for an (empty) group.
    await t.admin.setOffsets({
      groupId: committedGroup,
      topic,
      partitions: COMMITTED.map((offset, partition) => ({ partition, offset: String(offset) })),
    });
  });
  afterAll(() => t.cleanup());

  it('reads the start and end offsets the broker holds', async () => {
    const offsets = await fetchPartitionOffsets(t.admin, topic);
    expect(offsets).toEqual(PRODUCED.map((end, partition) => ({ partition, start: DELETED_HEAD[partition], end })));
  });

  it('gives exactly end − committed per partition for a group that committed', async () => {
    const inputs = await fetchGroupTopicOffsets(t.admin, committedGroup, topic);
    expect(inputs.map((p) => p.committed)).toEqual(COMMITTED);
    const summary = summarizeLag(inputs, 'earliest');
    const expected = PRODUCED.map((end, p) => end - (COMMITTED[p] ?? 0));
    expect(summary.partitions.map((p) => p.lag)).toEqual(expected);
    expect(summary.totalLag).toBe(expected.reduce((a, b) => a + b, 0));
    expect(summary.uncommittedPartitions).toBe(0);
  });

  it('reads the same commits as columns, every topic of the group when none is named', async () => {
    const byTopic = await fetchCommittedOffsetColumns(t.admin, committedGroup, []);
    expect([...byTopic.keys()]).toEqual([topic]);
    const columns = byTopic.get(topic);
    expect([...(columns?.partitions ?? [])]).toEqual([0, 1, 2]);
    expect([...(columns?.committed ?? [])]).toEqual(COMMITTED);
    const fresh = await fetchCommittedOffsetColumns(t.admin, freshGroup, [topic]);
    expect([...(fresh.get(topic)?.committed ?? [])]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it('applies the no-commit rules to a group that never committed', async () => {
    const committed = await fetchCommittedOffsets(t.admin, freshGroup, [topic]);
    expect(committed.get(topic)).toEqual([0, 1, 2].map((partition) => ({ partition, committed: null })));

    const inputs = await fetchGroupTopicOffsets(t.admin, freshGroup, topic);
    const earliest = summarizeLag(inputs, 'earliest');
    const expectedEarliest = PRODUCED.map((end, p) => end - (DELETED_HEAD[p] ?? 0));
    expect(earliest.partitions.map((p) => p.lag)).toEqual(expectedEarliest);
    expect(earliest.totalLag).toBe(expectedEarliest.reduce((a, b) => a + b, 0));
    expect(earliest.uncommittedPartitions).toBe(3);
    expect(earliest.partitions.every((p) => !p.hasCommit)).toBe(true);

    const latest = summarizeLag(inputs, 'latest');
    expect(latest.partitions.map((p) => p.lag)).toEqual([0, 0, 0]);
    expect(latest.totalLag).toBe(0);
    expect(latest.uncommittedPartitions).toBe(3);
  });

  it('follows a consumer that commits as it reads', async () => {
    const group = t.groupId('lag-live');
    const { consumer, messages } = await t.collect({ topic, groupId: group, fromBeginning: true });
    const total = PRODUCED.reduce((a, b, p) => a + b - (DELETED_HEAD[p] ?? 0), 0);
    await expect.poll(() => messages.length, { timeout: 30_000 }).toBe(total);
    await consumer.stop();
    await consumer.disconnect();
    const summary = summarizeLag(await fetchGroupTopicOffsets(t.admin, group, topic), 'earliest');
    expect(summary.partitions.map((p) => p.committed)).toEqual(PRODUCED);
    expect(summary.totalLag).toBe(0);
  });
});
