import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, fetchGroupTopicOffsets, silentLogger } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitForGroupCaughtUp, waitForMessages } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { topicRecordCount, workerTopics } from '../test-support/worker-process.js';
import { testHandler } from '../test-support/test-handlers.js';

const { CompressionTypes } = kafkajs;
const PER_STEP = 60;
const KEYS = 7;

/**
 * The consumer reads fetched record sets itself (the patched kafkajs's `rawRecordSets`), so what
 * kafkajs's decoder used to take care of is checked here on the real broker: transaction markers
 * and aborted transactions (read_committed), compressed batches, and resolving past a marker at
 * the end of the log so the committed offset reaches the end offset.
 */
describe('consumer-worker: record sets with transactions and every compression codec', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('processes committed and plain records once each, never an aborted one, and commits up to the end offset', { timeout: 90_000 }, async () => {
    const topic = await t.createTopic({ partitions: 2, prefix: 'cw-recsets' });
    const { outputTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-recsets');
    const messages = (step: string) =>
      Array.from({ length: PER_STEP }, (_, i) => ({ key: `key-${i % KEYS}`, value: JSON.stringify({ step, i }), headers: { 'content-type': 'application/json' } }));

    const transactional = await t.producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
    const plain = await t.producer();
    const expected: string[] = [];
    const commitStep = async (step: string, compression = CompressionTypes.None) => {
      const tx = await transactional.transaction();
      await tx.send({ topic, compression, messages: messages(step) });
      await tx.commit();
      expected.push(...messages(step).map((m) => m.value));
    };
    await commitStep('committed-1');
    const aborted = await transactional.transaction();
    await aborted.send({ topic, messages: messages('aborted') });
    await aborted.abort();
    for (const [name, compression] of Object.entries({ gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD })) {
      await plain.send({ topic, compression, messages: messages(name) });
      expected.push(...messages(name).map((m) => m.value));
    }
    await commitStep('committed-2', CompressionTypes.GZIP);
    // the log now ends with commit markers on both partitions: offsets that are not records

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_OUTPUT_TOPIC: outputTopic,
      CONSUMER_HANDLER: testHandler('throw-on-marker'),
      CONSUMER_HANDLER_OPTIONS: 'marker=never-set,passThrough=true',
      CONSUMER_THREADS: '2',
      CONSUMER_CHUNK_SIZE: '8',
      CONSUMER_COMMIT_INTERVAL_MS: '100',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger: silentLogger(), registry: createRegistry({ app: 'test', defaultMetrics: false }) });
    await service.start();
    try {
      await waitForGroupCaughtUp(t.admin, groupId, topic, { timeoutMs: 60_000, intervalMs: 200, description: 'the group to commit through the commit markers at the end of the log' });
    } finally {
      await service.stop();
    }
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    expect(offsets.map((p) => p.committed)).toEqual(offsets.map((p) => p.end));
    // a marker took an offset: the end is past the records' count
    expect(offsets.reduce((sum, p) => sum + p.end, 0)).toBeGreaterThan(expected.length + PER_STEP);

    // The service has stopped, so the output topic is final: it holds exactly the expected records
    // (an aborted record or a duplicate would make it longer), and reading that many reads it all.
    expect(await topicRecordCount(t, outputTopic)).toBe(expected.length);
    const { messages: outputs } = await t.collect({ topic: outputTopic, groupId: t.groupId('cw-recsets-out'), fromBeginning: true });
    await waitForMessages(outputs, expected.length, 30_000);
    const values = outputs.map((m) => m.value?.toString() ?? '');
    expect(values.filter((v) => v.includes('"aborted"'))).toEqual([]);
    expect(values.sort()).toEqual([...expected].sort());
  });
});
