import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { TestKafka, waitForMessages } from '../test-support/index.js';

function values(messages: ReadonlyArray<{ value: Buffer | null }>): string[] {
  return messages.map((m) => m.value?.toString() ?? '').sort();
}

describe('offset reset semantics on a real broker', () => {
  const t = new TestKafka();
  let topic: string;
  let producer: Producer;
  const before = Array.from({ length: 20 }, (_, i) => `before-${i}`);

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 2, prefix: 'reset' });
    producer = await t.producer();
    await producer.send({ topic, messages: before.map((value, i) => ({ key: `k${i}`, value })) });
  });
  afterAll(() => t.cleanup());

  it('a new group with earliest reads from the start', async () => {
    const { messages } = await t.collect({ topic, groupId: t.groupId('earliest'), fromBeginning: true });
    await waitForMessages(messages, before.length);
    expect(values(messages)).toEqual([...before].sort());
  });

  it('a new group with latest reads only what is produced after it joined', async () => {
    const { messages } = await t.collect({ topic, groupId: t.groupId('latest'), fromBeginning: false });
    const after = Array.from({ length: 10 }, (_, i) => `after-${i}`);
    await producer.send({ topic, messages: after.map((value, i) => ({ key: `k${i}`, value })) });
    await waitForMessages(messages, after.length);
    expect(values(messages)).toEqual([...after].sort());
  });

  it.each([
    { name: 'earliest', fromBeginning: true },
    { name: 'latest', fromBeginning: false },
  ])('a group that committed resumes from its commit whatever the reset ($name)', async ({ fromBeginning }) => {
    const groupId = t.groupId(`resume-${String(fromBeginning)}`);
    // Commit the middle of each partition: records before it must not come back.
    const offsets = await t.admin.fetchTopicOffsets(topic);
    const commits = offsets.map((o) => ({ partition: o.partition, offset: String(Math.floor(Number(o.high) / 2)) }));
    await t.admin.setOffsets({ groupId, topic, partitions: commits });
    const expected = Math.round(offsets.reduce((sum, o) => sum + Number(o.high) - Math.floor(Number(o.high) / 2), 0));

    const { messages } = await t.collect({ topic, groupId, fromBeginning });
    await waitForMessages(messages, expected);
    for (const m of messages) {
      const commit = commits.find((c) => c.partition === m.partition);
      expect(Number(m.offset)).toBeGreaterThanOrEqual(Number(commit?.offset));
    }
    // Nothing more than the tail arrives.
    await expect.poll(() => messages.length, { timeout: 1_000 }).toBe(expected);
  });
});
