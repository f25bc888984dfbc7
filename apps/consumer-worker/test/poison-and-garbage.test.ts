import type { IHeaders } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, fetchGroupTopicOffsets, SequenceStamper, silentLogger, verifyTopic } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitForMessages, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { DLQ_HEADERS } from '../src/runtime/dead-letter.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { TEST_MARKER_HEADER, testHandler } from '../test-support/test-handlers.js';
import { WORKER_METRICS } from '../src/metrics/metric-names.js';
import { workerTopics } from '../test-support/worker-process.js';

const RECORDS = 400;
const KEYS = 10;
const POISON_AT = 100;
const GARBAGE_AT = 250;
const MAX_ATTEMPTS = 3;

const text = (headers: IHeaders | undefined, name: string) => headers?.[name]?.toString();

describe('consumer-worker: poison and garbage records', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('dead-letters a record that always fails after N attempts and an undecodable one at once; the partition carries on', { timeout: 90_000 }, async () => {
    const topic = await t.createTopic({ partitions: 1, prefix: 'cw-poison' });
    const { outputTopic, dlqTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-poison');
    // Only the good records are stamped, so the verifier expects exactly them on the output topic.
    const stamper = new SequenceStamper('cw-poison');
    const producedFrom = Date.now();
    const producer = await t.producer();
    await producer.send({
      topic,
      messages: Array.from({ length: RECORDS }, (_, i) => {
        const key = `key-${i % KEYS}`;
        const headers: IHeaders = { 'content-type': 'application/json' };
        if (i === POISON_AT) return { key, value: JSON.stringify({ n: i }), headers: { ...headers, [TEST_MARKER_HEADER]: 'poison' } };
        if (i === GARBAGE_AT) return { key, value: '{not json', headers };
        return { key, value: JSON.stringify({ n: i }), headers: stamper.stamp(headers, key) };
      }),
    });
    const producedTo = Date.now();

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_OUTPUT_TOPIC: outputTopic,
      CONSUMER_HANDLER: testHandler('throw-on-marker'),
      CONSUMER_HANDLER_OPTIONS: 'marker=poison,passThrough=true',
      CONSUMER_THREADS: '2',
      CONSUMER_CHUNK_SIZE: '16',
      CONSUMER_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      CONSUMER_RETRY_BASE_MS: '20',
      CONSUMER_RETRY_MAX_MS: '100',
      CONSUMER_COMMIT_INTERVAL_MS: '100',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const registry = createRegistry({ app: 'test', defaultMetrics: false });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger: silentLogger(), registry });
    await service.start();
    let retried: number | undefined;
    let deadLettered: number | undefined;
    try {
      await waitForGroupCaughtUp(t.admin, groupId, topic, {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: 'the group to commit every record, the dead-lettered ones included',
      });
      const metrics = await registry.getMetricsAsJSON();
      const value = (name: string) => metrics.find((m) => m.name === name)?.values[0]?.value;
      retried = value(WORKER_METRICS.retried);
      deadLettered = value(WORKER_METRICS.deadLettered);
    } finally {
      await service.stop();
    }
    // The poison record was retried MAX_ATTEMPTS − 1 times; the undecodable one never.
    expect({ retried, deadLettered }).toEqual({ retried: MAX_ATTEMPTS - 1, deadLettered: 2 });

    const { messages } = await t.collect({ topic: dlqTopic, groupId: t.groupId('cw-poison-dlq'), fromBeginning: true });
    await waitForMessages(messages, 2, 20_000);
    const byOffset = new Map(messages.map((m) => [text(m.headers, DLQ_HEADERS.offset), m]));
    expect(messages).toHaveLength(2);

    const poison = byOffset.get(String(POISON_AT));
    expect(poison?.key?.toString()).toBe(`key-${POISON_AT % KEYS}`);
    expect(poison?.value?.toString()).toBe(JSON.stringify({ n: POISON_AT }));
    expect(text(poison?.headers, DLQ_HEADERS.error)).toContain('throw-on-marker');
    expect(text(poison?.headers, DLQ_HEADERS.attempts)).toBe(String(MAX_ATTEMPTS));
    expect(text(poison?.headers, DLQ_HEADERS.topic)).toBe(topic);
    expect(text(poison?.headers, DLQ_HEADERS.partition)).toBe('0');
    expect(text(poison?.headers, TEST_MARKER_HEADER)).toBe('poison');

    const garbage = byOffset.get(String(GARBAGE_AT));
    expect(garbage?.key?.toString()).toBe(`key-${GARBAGE_AT % KEYS}`);
    expect(garbage?.value?.toString()).toBe('{not json');
    expect(text(garbage?.headers, DLQ_HEADERS.error)).toMatch(/^undecodable: /);
    expect(text(garbage?.headers, DLQ_HEADERS.attempts)).toBe('1');
    expect(text(garbage?.headers, DLQ_HEADERS.topic)).toBe(topic);
    expect(text(garbage?.headers, DLQ_HEADERS.partition)).toBe('0');

    for (const record of [poison, garbage]) {
      const timestamp = Number(text(record?.headers, DLQ_HEADERS.timestamp));
      expect(timestamp).toBeGreaterThanOrEqual(producedFrom - 1_000);
      expect(timestamp).toBeLessThanOrEqual(producedTo + 1_000);
    }

    // Every other record of the partition was processed (and passed on) despite the two failures.
    const report = await verifyTopic(t.kafka, { topic: outputTopic, expected: { 'cw-poison': RECORDS - 2 }, timeoutMs: 30_000 });
    expect(report.totals).toMatchObject({ seen: RECORDS - 2, gaps: 0, keyOrderViolations: 0, unsequenced: 0, shortfall: 0 });
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    expect(offsets.map((o) => o.committed)).toEqual([RECORDS]);
  });
});
