import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { IHeaders } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, fetchGroupTopicOffsets, SequenceStamper, silentLogger, verifyTopic } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { TEST_MARKER_HEADER, testHandler } from '../test-support/test-handlers.js';
import { WORKER_METRICS } from '../src/metrics/metric-names.js';
import { workerTopics } from '../test-support/worker-process.js';

const RECORDS = 6_000;
const PARTITIONS = 3;
const KEYS = 60;
// one marked record early in each partition, so most of the stream runs after the crashes
const KILL_AT = new Set([150, 301, 452]);

describe('consumer-worker: worker thread crash', () => {
  const t = new TestKafka();
  let onceDir: string | undefined;
  afterAll(async () => {
    await t.cleanup();
    if (onceDir !== undefined) await rm(onceDir, { recursive: true, force: true });
  });

  it('a handler that kills its thread: the chunk is retried, the pool recovers, nothing is lost and the commit reaches the end', { timeout: 120_000 }, async () => {
    const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'cw-thread-crash' });
    const { outputTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-thread-crash');
    // kill-thread kills each marked record's first run only (the flag files live here)
    onceDir = await mkdtemp(path.join(os.tmpdir(), 'cw-thread-crash-'));
    const stamper = new SequenceStamper('cw-crash');
    const producer = await t.producer();
    await producer.send({
      topic,
      messages: Array.from({ length: RECORDS }, (_, i) => {
        const key = `key-${i % KEYS}`;
        const headers: IHeaders = { 'content-type': 'application/json', ...(KILL_AT.has(i) ? { [TEST_MARKER_HEADER]: 'kill' } : {}) };
        return { key, partition: i % PARTITIONS, value: JSON.stringify({ n: i }), headers: stamper.stamp(headers, key) };
      }),
    });

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_OUTPUT_TOPIC: outputTopic,
      CONSUMER_HANDLER: testHandler('kill-thread'),
      CONSUMER_HANDLER_OPTIONS: `marker=kill,passThrough=true,onceDir=${onceDir}`,
      CONSUMER_THREADS: '2',
      CONSUMER_CHUNK_SIZE: '64',
      CONSUMER_COMMIT_INTERVAL_MS: '200',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const registry = createRegistry({ app: 'test', defaultMetrics: false });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger: silentLogger(), registry });
    await service.start();
    let metrics: Record<string, number | undefined> | undefined;
    try {
      await waitForGroupCaughtUp(t.admin, groupId, topic, {
        timeoutMs: 90_000,
        intervalMs: 250,
        description: 'the group to commit every record',
      });
      const json = await registry.getMetricsAsJSON();
      const value = (name: string) => json.find((m) => m.name === name)?.values[0]?.value;
      metrics = { crashes: value(WORKER_METRICS.chunkCrashes), deadLettered: value(WORKER_METRICS.deadLettered) };
    } finally {
      await service.stop();
    }
    // Each marked record ended its thread once; its chunk ran again on a replacement thread.
    expect((await readdir(onceDir)).length).toBe(KILL_AT.size);
    expect(metrics).toEqual({ crashes: KILL_AT.size, deadLettered: 0 });

    const report = await verifyTopic(t.kafka, { topic: outputTopic, expected: { 'cw-crash': RECORDS }, timeoutMs: 60_000 });
    expect(report.totals).toMatchObject({ gaps: 0, keyOrderViolations: 0, unsequenced: 0, shortfall: 0 });
    expect(report.totals.seen).toBeGreaterThanOrEqual(RECORDS);
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    expect(offsets.map((o) => o.committed)).toEqual(offsets.map((o) => o.end));
  });
});
