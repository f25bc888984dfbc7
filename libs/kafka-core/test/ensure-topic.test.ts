import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ensureTopic, topicPartitionCount } from '../src/index.js';
import { TestKafka, uniqueName } from '../test-support/index.js';

describe('ensureTopic on a real broker', () => {
  const t = new TestKafka();
  const created: string[] = [];
  beforeAll(async () => {
    await t.connect();
  });
  afterAll(async () => {
    await t.admin.deleteTopics({ topics: created }).catch(() => undefined);
    await t.cleanup();
  });

  it('creates a missing topic, then is a no-op with the same result', async () => {
    const topic = uniqueName('ensure');
    created.push(topic);
    const first = await ensureTopic(t.admin, { topic, partitions: 3 });
    expect(first).toEqual({ topic, created: true, partitions: 3 });
    const second = await ensureTopic(t.admin, { topic, partitions: 3 });
    expect(second).toEqual({ topic, created: false, partitions: 3 });
    expect(await topicPartitionCount(t.admin, topic)).toBe(3);
  });

  it('is safe when many callers race to create the same topic', async () => {
    const topic = uniqueName('ensure-race');
    created.push(topic);
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureTopic(t.admin, { topic, partitions: 2 })));
    expect(results.every((r) => r.partitions === 2)).toBe(true);
    expect(await topicPartitionCount(t.admin, topic)).toBe(2);
  });

  it('grows partitions only when asked, and never shrinks', async () => {
    const topic = uniqueName('ensure-grow');
    created.push(topic);
    await ensureTopic(t.admin, { topic, partitions: 2 });

    const notAsked = await ensureTopic(t.admin, { topic, partitions: 5 });
    expect(notAsked).toEqual({ topic, created: false, partitions: 2 });
    expect(await topicPartitionCount(t.admin, topic)).toBe(2);

    const grown = await ensureTopic(t.admin, { topic, partitions: 5, growPartitions: true });
    expect(grown).toEqual({ topic, created: false, partitions: 5, grownFrom: 2 });
    expect(await topicPartitionCount(t.admin, topic)).toBe(5);

    const again = await ensureTopic(t.admin, { topic, partitions: 5, growPartitions: true });
    expect(again).toEqual({ topic, created: false, partitions: 5 });

    const fewer = await ensureTopic(t.admin, { topic, partitions: 1, growPartitions: true });
    expect(fewer.partitions).toBe(5);
  });

  it('returns only when every partition, new or grown, takes records at once', async () => {
    const topic = uniqueName('ensure-ready');
    created.push(topic);
    // A new producer each time: one that knew the topic before it grew keeps its old metadata.
    const produceToEach = async (partitions: number) =>
      (await t.producer()).send({ topic, acks: -1, messages: Array.from({ length: partitions }, (_, partition) => ({ partition, value: `p${partition}` })) });
    await ensureTopic(t.admin, { topic, partitions: 3 });
    await produceToEach(3);
    await ensureTopic(t.admin, { topic, partitions: 8, growPartitions: true });
    await produceToEach(8);
    const offsets = await t.admin.fetchTopicOffsets(topic);
    expect(offsets.map((o) => `${o.partition}:${o.high}`).sort()).toEqual(['0:2', '1:2', '2:2', '3:1', '4:1', '5:1', '6:1', '7:1']);
  });

  it('applies topic configs at creation', async () => {
    const topic = uniqueName('ensure-config');
    created.push(topic);
    await ensureTopic(t.admin, { topic, partitions: 1, configs: { 'retention.ms': '3600000' } });
    const described = await t.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }] });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('3600000');
  });

  it.each([
    { name: 'an illegal character', topic: 'bad topic!', partitions: 1 },
    { name: 'zero partitions', topic: 'fine-name', partitions: 0 },
  ])('rejects $name with TOPIC_INVALID', async ({ topic, partitions }) => {
    const attempt = ensureTopic(t.admin, { topic, partitions });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'TOPIC_INVALID', retriable: false });
  });
});
