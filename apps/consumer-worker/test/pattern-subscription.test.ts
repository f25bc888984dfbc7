import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, silentLogger } from '@lagscale/kafka-core';
import { fetchCommittedOffsets } from '@lagscale/kafka-core/admin';
import { TestKafka, testKafkaConfig, uniqueName, waitFor, waitForGroupCaughtUp, waitForMessages } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { WORKER_METRICS } from '../src/metrics/metric-names.js';
import { DLQ_HEADERS } from '../src/runtime/dead-letter.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { TEST_MARKER_HEADER, testHandler } from '../test-support/test-handlers.js';

const RECORDS = 40;
const POISON_AT = 7;
const REFRESH_MS = 300;

describe('consumer-worker: --topic-pattern', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  async function produce(topic: string): Promise<void> {
    const producer = await t.producer();
    await producer.send({
      topic,
      messages: Array.from({ length: RECORDS }, (_, n) => ({
        key: `key-${n % 5}`,
        value: JSON.stringify({ n }),
        headers: { 'content-type': 'application/json', ...(n === POISON_AT ? { [TEST_MARKER_HEADER]: 'poison' } : {}) },
      })),
    });
  }

  it('consumes every matching topic, one created later too; outputs, dead letters and metrics per topic', { timeout: 120_000 }, async () => {
    const base = uniqueName('cw-pattern');
    const first = await t.createTopic({ partitions: 2, prefix: base });
    const elsewhere = await t.createTopic({ partitions: 1, prefix: 'cw-pattern-miss' });
    const outputTopic = `${base}.out`;
    const groupId = t.groupId('cw-pattern');
    await Promise.all([produce(first), produce(elsewhere)]);

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC_PATTERN: `${base}-.*`,
      CONSUMER_TOPIC_REFRESH_INTERVAL_MS: String(REFRESH_MS),
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_OUTPUT_TOPIC: outputTopic,
      CONSUMER_HANDLER: testHandler('throw-on-marker'),
      CONSUMER_HANDLER_OPTIONS: 'marker=poison,passThrough=true',
      CONSUMER_MAX_ATTEMPTS: '1',
      CONSUMER_THREADS: '2',
      CONSUMER_COMMIT_INTERVAL_MS: '100',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const registry = createRegistry({ app: 'test', defaultMetrics: false, labels: { consumergroup: groupId } });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger: silentLogger(), registry });
    t.adopt(outputTopic, `${first}.dlq`);
    let second: string;
    let metrics: Awaited<ReturnType<typeof registry.getMetricsAsJSON>> = [];
    try {
      await service.start();
      await waitForGroupCaughtUp(t.admin, groupId, first, { timeoutMs: 60_000, intervalMs: 200 });

      // A matching topic created while the worker runs is consumed without a restart.
      second = await t.createTopic({ partitions: 3, prefix: base });
      t.adopt(`${second}.dlq`);
      await produce(second);
      await waitForGroupCaughtUp(t.admin, groupId, second, { timeoutMs: 60_000, intervalMs: 200, description: `the worker to find ${second} and commit all of it` });
      metrics = await waitFor(
        async () => {
          const m = await registry.getMetricsAsJSON();
          const consumed = m.find((x) => x.name === WORKER_METRICS.consumed)?.values ?? [];
          return consumed.length === 2 && m;
        },
        { description: 'consumed series for both topics' },
      );
    } finally {
      await service.stop();
    }

    // Both topics fully committed by the group, the other one never touched.
    const committed = await fetchCommittedOffsets(t.admin, groupId, [first, second, elsewhere]);
    expect(committed.get(elsewhere)?.every((p) => p.committed === null)).toBe(true);

    // Outputs from both topics; each poison record in its own topic's dead-letter topic.
    const out = await t.collect({ topic: outputTopic, groupId: t.groupId('cw-pattern-out'), fromBeginning: true });
    await waitForMessages(out.messages, 2 * (RECORDS - 1));
    for (const topic of [first, second]) {
      const dlq = await t.collect({ topic: `${topic}.dlq`, groupId: t.groupId('cw-pattern-dlq'), fromBeginning: true });
      const [letter] = await waitForMessages(dlq.messages, 1);
      expect(letter?.headers?.[DLQ_HEADERS.topic]?.toString()).toBe(topic);
      expect(letter?.value?.toString()).toBe(JSON.stringify({ n: POISON_AT }));
    }

    // Per-topic series carry the record's topic.
    const values = (name: string) => Object.fromEntries((metrics.find((m) => m.name === name)?.values ?? []).map((v) => [String(v.labels.topic), v.value]));
    expect(values(WORKER_METRICS.consumed)).toEqual({ [first]: RECORDS, [second]: RECORDS });
    expect(values(WORKER_METRICS.deadLettered)).toEqual({ [first]: 1, [second]: 1 });
    expect(values(WORKER_METRICS.processed)).toEqual({ [first]: RECORDS - 1, [second]: RECORDS - 1 });
    expect(values(WORKER_METRICS.outputs)).toEqual({ [first]: RECORDS - 1, [second]: RECORDS - 1 });
  });
});
