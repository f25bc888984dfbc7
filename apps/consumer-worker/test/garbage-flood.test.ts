import { PassThrough } from 'node:stream';
import type { IHeaders } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, createRegistry } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitForGroupCaughtUp, waitForMessages } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { WORKER_METRICS } from '../src/metrics/metric-names.js';
import { DLQ_HEADERS } from '../src/runtime/dead-letter.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { workerTopics } from '../test-support/worker-process.js';

// Issue 15: a topic of 6,002 records a handler could not parse gave 6,002 warning lines and
// 5 attempts per record. Records that can never succeed go to the DLQ at once, logged per burst.
const NOT_USER_EVENTS = 4_000;
const GARBAGE = 1_000;
const RECORDS = NOT_USER_EVENTS + GARBAGE;
const BATCH = 500;

const text = (headers: IHeaders | undefined, name: string) => headers?.[name]?.toString();

describe('consumer-worker: a topic of records the handler cannot parse', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('dead-letters each at once, without retries, and logs a few summary lines instead of one per record', { timeout: 120_000 }, async () => {
    const topic = await t.createTopic({ partitions: 2, prefix: 'cw-flood' });
    const { dlqTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-flood');
    const producer = await t.producer();
    for (let from = 0; from < RECORDS; from += BATCH) {
      await producer.send({
        topic,
        messages: Array.from({ length: BATCH }, (_, j) => {
          const i = from + j;
          // valid JSON that is no user event (a sensor reading), or bytes that are no JSON at all
          const value = i % 5 === 4 ? `{garbage ${i}` : JSON.stringify({ sensorId: `s-${i}`, type: 'temperature', value: 20, ts: i });
          return { key: `k-${i % 50}`, value, headers: { 'content-type': 'application/json' } };
        }),
      });
    }

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_HANDLER: 'user-events',
      CONSUMER_THREADS: '2',
      CONSUMER_MAX_ATTEMPTS: '5',
      CONSUMER_COMMIT_INTERVAL_MS: '100',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const logger = createLogger({ name: 'consumer-worker', level: 'info', destination: stream });
    const registry = createRegistry({ app: 'test', defaultMetrics: false });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger, registry });
    const startedAt = Date.now();
    await service.start();
    let retried: number | undefined;
    let deadLettered: number | undefined;
    try {
      await waitForGroupCaughtUp(t.admin, groupId, topic, { timeoutMs: 90_000, intervalMs: 200, description: `the group to commit all ${RECORDS} records` });
      const metrics = await registry.getMetricsAsJSON();
      const value = (name: string) => metrics.find((m) => m.name === name)?.values[0]?.value;
      retried = value(WORKER_METRICS.retried);
      deadLettered = value(WORKER_METRICS.deadLettered);
    } finally {
      await service.stop();
    }
    const elapsedIntervals = Math.ceil((Date.now() - startedAt) / 10_000);
    expect({ retried, deadLettered }).toEqual({ retried: 0, deadLettered: RECORDS });

    // One line at once per topic and interval, one summary per interval (and one at shutdown).
    const deadLetterLines = lines.map((line) => JSON.parse(line) as { msg: string; records?: number }).filter((l) => l.msg.includes('dead-lettered'));
    expect(deadLetterLines.length).toBeGreaterThanOrEqual(2);
    expect(deadLetterLines.length).toBeLessThanOrEqual(2 * (elapsedIntervals + 1));
    expect(deadLetterLines[0]?.msg).toMatch(new RegExp(`^dead-lettered ${topic}\\[\\d\\]@\\d+ to ${dlqTopic} \\((not retriable|undecodable), 1 attempt\\)`));
    const summed = deadLetterLines.reduce((n, l) => n + (l.records ?? 1), 0);
    expect(summed).toBe(RECORDS);

    const { messages } = await t.collect({ topic: dlqTopic, groupId: t.groupId('cw-flood-dlq'), fromBeginning: true });
    await waitForMessages(messages, RECORDS, 60_000);
    const reasons = new Map<string, number>();
    for (const message of messages) {
      expect(text(message.headers, DLQ_HEADERS.attempts)).toBe('1');
      const kind = text(message.headers, DLQ_HEADERS.error)?.split(':')[0] ?? '';
      reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
    }
    expect(Object.fromEntries(reasons)).toEqual({ 'not retriable': NOT_USER_EVENTS, undecodable: GARBAGE });
  });
});
