import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../src/index.js';
import { TestKafka, waitForMessages } from '../test-support/index.js';

interface Vector {
  keyHex: string;
  keyUtf8: string | null;
  partitions: Record<string, number>;
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/murmur2-vectors.json', import.meta.url), 'utf8')) as Vector[];
const PARTITIONS = 6;

describe('keyed records land where the Java client puts them', () => {
  const t = new TestKafka();
  let topic: string;
  beforeAll(async () => {
    topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'partitioner' });
  });
  afterAll(() => t.cleanup());

  it('on a 6-partition topic, every fixture key is stored on its Java partition', async () => {
    const keyed = vectors.filter((v) => v.keyHex.length > 0);
    expect(keyed.length).toBeGreaterThan(30);
    const producer = await t.producer();
    await producer.send({ topic, messages: keyed.map((v, i) => ({ key: Buffer.from(v.keyHex, 'hex'), value: String(i) })) });

    const { messages } = await t.collect({ topic, groupId: t.groupId('partitioner'), fromBeginning: true });
    await waitForMessages(messages, keyed.length);
    expect(messages).toHaveLength(keyed.length);
    for (const m of messages) {
      const vector = keyed[Number(m.value?.toString())];
      expect(vector).toBeDefined();
      expect(m.key?.toString('hex')).toBe(vector?.keyHex);
      expect(m.partition).toBe(vector?.partitions[String(PARTITIONS)]);
      expect(m.partition).toBe(partitionForKey(m.key ?? Buffer.alloc(0), PARTITIONS));
    }
    // The keys spread over every partition, so the check covered all of them.
    expect(new Set(messages.map((m) => m.partition)).size).toBe(PARTITIONS);
  });
});
