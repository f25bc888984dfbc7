import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import {
  CONTENT_TYPE_HEADER,
  codecNames,
  compressionNames,
  compressionTypeFromName,
  decodeRecordValue,
  getCodec,
  stringCodec,
  type CodecName,
} from '@lagscale/codecs';
import { TestKafka, waitForMessages } from '../test-support/index.js';

const COUNT = 50;

// Values each codec can carry; large enough (and repetitive) that every compressor really runs.
function sampleValue(codec: CodecName, i: number): unknown {
  switch (codec) {
    case 'json':
    case 'msgpack':
      return { seq: i, user: `user-${i % 7}`, action: 'click', tags: ['a', 'ß', '🔑'], nested: { ok: true, n: i * 1.5 }, pad: 'x'.repeat(200) };
    case 'string':
      return `record ${i}: ключ 🔑 ${'lorem ipsum '.repeat(20)}`;
    case 'bytes':
      return Buffer.from(Array.from({ length: 300 }, (_, j) => (i * 31 + j) % 256));
  }
}

const cases = compressionNames.flatMap((compression) => codecNames.map((codec) => ({ codec, compression })));

describe('every value codec × every compression type through a real broker', () => {
  const t = new TestKafka();
  let producer: Producer;
  beforeAll(async () => {
    producer = await t.producer();
  });
  afterAll(() => t.cleanup());

  it.each(cases)('$codec with $compression', async ({ codec: name, compression }) => {
    const topic = await t.createTopic({ partitions: 2, prefix: `codec-${name}-${compression}` });
    const codec = getCodec(name);
    const values = Array.from({ length: COUNT }, (_, i) => sampleValue(name, i));
    await producer.send({
      topic,
      compression: compressionTypeFromName(compression),
      messages: values.map((value, i) => ({
        key: `k${i % 5}`,
        value: codec.encode(value),
        headers: { [CONTENT_TYPE_HEADER]: codec.contentType, seq: String(i) },
      })),
    });

    const { messages } = await t.collect({ topic, groupId: t.groupId('codec'), fromBeginning: true });
    await waitForMessages(messages, COUNT);
    expect(messages).toHaveLength(COUNT);
    for (const message of messages) {
      // The string codec is only the fallback: the header must pick the right codec.
      const decoded = decodeRecordValue(message.value, message.headers, stringCodec);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok || decoded.tombstone) throw new Error('expected a value');
      const seq = Number(message.headers?.seq?.toString());
      expect(decoded.value).toEqual(values[seq]);
    }
  });
});
