import { afterAll, describe, expect, it } from 'vitest';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { compressionTypeFromName, type CompressionName } from '@lagscale/codecs';
import { kafkajsFork } from '../src/client/kafkajs-fork.js';
import { TestKafka, waitFor, waitForGroupJoin } from '../test-support/index.js';

/*
 * Our kafkajs (vendor/kafkajs) against the real broker: records produced on its fast path are
 * what a plain consumer reads, and a rawRecordSets consumer gets the same records as undecoded
 * record sets whose batch offsets match.
 */
const COUNT = 600;
const PARTITIONS = 3;

type Seen = { partition: number; offset: string; key: string | null; value: string; headers: Record<string, string> };

function decodedForm(partition: number, message: KafkaMessage): Seen {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return { partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers };
}

const byPosition = (a: Seen, b: Seen) => a.partition - b.partition || Number(a.offset) - Number(b.offset);

describe.each(['none', 'gzip', 'lz4'] satisfies CompressionName[])('vendor/kafkajs on the real broker (compression %s)', (compressionName) => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('reads what its fast path produced, decoded and as raw record sets alike', async () => {
    const { protocol, Batch } = kafkajsFork();
    const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'fork' });
    const producer = await t.producer();
    const before = kafkajsFork().counters();
    const messages = Array.from({ length: COUNT }, (_, i) => ({
      key: i % 10 === 0 ? null : `key-${i % 37}`,
      value: `value ${i} ${'é'.repeat(i % 4)}`,
      headers: { seq: String(i), 'content-type': 'text/plain' },
      ...(i % 10 === 0 ? { partition: i % PARTITIONS } : {}),
    }));
    for (let i = 0; i < COUNT; i += 200) {
      await producer.send({ topic, compression: compressionTypeFromName(compressionName), messages: messages.slice(i, i + 200) });
    }
    expect(kafkajsFork().counters().producedRecordBatches - before.producedRecordBatches).toBeGreaterThanOrEqual(COUNT / 200);

    // a plain consumer: kafkajs decodes every record (upstream's path)
    const plain = await t.collect({ topic, groupId: t.groupId('fork-plain'), fromBeginning: true });
    await waitFor(() => plain.messages.length >= COUNT, { description: `${COUNT} decoded records` });
    const decoded = plain.messages.map((m) => decodedForm(m.partition, { ...m, timestamp: '0', attributes: 0, headers: m.headers ?? {} } as KafkaMessage)).sort(byPosition);
    expect(decoded.map((m) => m.value).sort()).toEqual(messages.map((m) => m.value).sort());

    // a rawRecordSets consumer: record sets as bytes, decoded here with the fork's own pieces
    const raw: Seen[] = [];
    const offsetsChecked: string[] = [];
    const consumer = t.consumer({ groupId: t.groupId('fork-raw'), rawRecordSets: true });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = waitForGroupJoin(consumer);
    const rawBefore = kafkajsFork().counters().rawRecordSets;
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }: EachBatchPayload) => {
        expect(batch.messages).toEqual([]);
        const recordSet = batch.recordSet as Buffer;
        const framed = new protocol.Encoder().writeBytes(recordSet).buffer;
        const fetchedOffset = batch.firstOffset() ?? '0';
        const inBatch = new Batch(topic, fetchedOffset, { partition: batch.partition, highWatermark: batch.highWatermark, messages: await protocol.decodeMessages(new protocol.Decoder(framed)) });
        const records = inBatch.messages.map((m) => decodedForm(batch.partition, m));
        // the batch's offsets come from the record batch headers: they bound the decoded records
        expect(records[0]?.offset).toBe(batch.firstOffset());
        expect(records.at(-1)?.offset).toBe(batch.lastOffset());
        offsetsChecked.push(batch.lastOffset());
        raw.push(...records);
        resolveOffset(batch.lastOffset());
      },
    });
    await joined;
    await waitFor(() => raw.length >= COUNT, { description: `${COUNT} records from raw record sets (have ${raw.length})` });
    expect(raw.sort(byPosition)).toEqual(decoded);
    expect(kafkajsFork().counters().rawRecordSets - rawBefore).toBeGreaterThanOrEqual(offsetsChecked.length);
  });
});

describe('vendor/kafkajs on the real broker: where a large fetch response is assembled', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('in shared memory for a rawRecordSets consumer (its record sets go to worker threads), in ordinary memory for a plain one', async () => {
    const topic = await t.createTopic({ partitions: 1, prefix: 'fork-shared' });
    const producer = await t.producer();
    // ~1.5 MB: a fetch of it arrives in many socket reads
    const value = 'x'.repeat(500);
    for (let i = 0; i < 3_000; i += 500) await producer.send({ topic, messages: Array.from({ length: 500 }, (_, j) => ({ key: `k${(i + j) % 50}`, value })) });

    const readSets = async (rawRecordSets: boolean) => {
      const shared: boolean[] = [];
      let records = 0;
      const consumer = t.consumer({ groupId: t.groupId(rawRecordSets ? 'fork-shared-raw' : 'fork-shared-plain'), ...(rawRecordSets ? { rawRecordSets: true } : {}) });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }: EachBatchPayload) => {
          const bytes = rawRecordSets ? (batch.recordSet as Buffer) : batch.messages[0]?.value;
          if (bytes != null) shared.push(bytes.buffer instanceof SharedArrayBuffer);
          records += rawRecordSets ? Number(batch.lastOffset()) - Number(batch.firstOffset()) + 1 : batch.messages.length;
          resolveOffset(batch.lastOffset());
        },
      });
      await waitFor(() => records >= 3_000, { description: `3,000 records (have ${records})` });
      await consumer.disconnect();
      return shared;
    };
    expect(await readSets(true)).toContain(true);
    const plain = await readSets(false);
    expect(plain.length).toBeGreaterThan(0);
    expect(plain).not.toContain(true);
  });
});
