import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, fetchGroupTopicOffsets, silentLogger, verifyTopic } from '@lagscale/kafka-core';
import { produceSequenced, TestKafka, testKafkaConfig, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { workerTopics } from '../test-support/worker-process.js';

const RECORDS = 50_000;
const KEYS = 200;
const PARTITIONS = 6;

describe('consumer-worker: no loss, key order', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('50,000 sequenced records over 200 keys, random 0–2 ms handler, 4 threads: all processed in key order and committed', { timeout: 180_000 }, async () => {
    const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'cw-noloss' });
    const { outputTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-noloss');
    await produceSequenced(t, topic, RECORDS, KEYS, 'cw-test');

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_OUTPUT_TOPIC: outputTopic,
      CONSUMER_HANDLER: 'io-wait',
      CONSUMER_HANDLER_OPTIONS: 'waitMs=0,jitterMs=2',
      CONSUMER_THREADS: '4',
      CONSUMER_ORDERING: 'key',
      CONSUMER_COMMIT_INTERVAL_MS: '200',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger: silentLogger(), registry: createRegistry({ app: 'test', defaultMetrics: false }) });
    await service.start();
    try {
      // Committed offsets reach the end offsets of every partition.
      await waitForGroupCaughtUp(t.admin, groupId, topic, {
        timeoutMs: 150_000,
        intervalMs: 500,
        description: 'the group to commit every record',
      });
    } finally {
      await service.stop();
    }

    const kafka = t.kafka;
    // Every record processed at least once, and the first processing of each key in sequence
    // order: the handler passes records through in processing order, with their sequence headers.
    const report = await verifyTopic(kafka, { topic: outputTopic, expected: { 'cw-test': RECORDS }, timeoutMs: 60_000 });
    expect(report.totals).toMatchObject({ seen: RECORDS, gaps: 0, keyOrderViolations: 0, unsequenced: 0, shortfall: 0 });
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    expect(offsets.map((o) => o.committed)).toEqual(offsets.map((o) => o.end));
  });
});
