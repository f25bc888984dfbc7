import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, silentLogger } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitFor } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { WORKER_METRICS } from '../src/metrics/metric-names.js';

const RECORDS = 300_000;
const PARTITIONS = 6;
const KEYS = 1_000;
const MAX_UNCOMMITTED = 5_000;
const SAMPLE_WINDOW_MS = 15_000;
const SAMPLE_EVERY_MS = 50;
/**
 * eachBatch admits only what fits: up to one record past the limit (which trips the pause), the
 * rest of a fetch is left unresolved and fetched again later. So the uncommitted records (fetched
 * and not yet committable), and with them the pending ones, never exceed the limit + 1.
 */
const UNCOMMITTED_BOUND = MAX_UNCOMMITTED + 1;
/**
 * RSS of the whole test process: vitest, the kafkajs clients and 2 worker threads, each with its
 * own heap. Well above what a bounded run holds, far below what an unbounded backlog would
 * (runs measured in docs/decisions/0004).
 */
const RSS_BOUND_MB = 1_500;

describe('consumer-worker: bounded memory', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('a 300,000-record backlog with a slow handler keeps uncommitted records and RSS bounded', { timeout: 150_000 }, async () => {
    const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'cw-bounded' });
    const groupId = t.groupId('cw-bounded');
    const producer = await t.producer();
    const batch = 10_000;
    for (let start = 0; start < RECORDS; start += batch * PARTITIONS) {
      // one send per partition at a time, in parallel: the backlog is loaded in a few seconds
      await Promise.all(
        Array.from({ length: PARTITIONS }, (_, partition) =>
          producer.send({
            topic,
            messages: Array.from({ length: batch }, (_, i) => {
              const n = start + partition * batch + i;
              return { partition, key: `k${n % KEYS}`, value: `{"n":${n}}` };
            }),
          }),
        ),
      );
    }

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_HANDLER: 'cpu',
      CONSUMER_HANDLER_OPTIONS: 'costUs=200',
      CONSUMER_THREADS: '2',
      CONSUMER_MAX_UNCOMMITTED_RECORDS: String(MAX_UNCOMMITTED),
      // per-partition marks out of the way: the total limit alone must hold the backlog back
      CONSUMER_HIGH_WATER_MARK: String(RECORDS),
      CONSUMER_LOW_WATER_MARK: String(RECORDS / 2),
      CONSUMER_COMMIT_INTERVAL_MS: '500',
      CONSUMER_SHUTDOWN_TIMEOUT_MS: '10000',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const registry = createRegistry({ app: 'test', defaultMetrics: false });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger: silentLogger(), registry });
    const metric = async (name: string) => (await registry.getMetricsAsJSON()).find((m) => m.name === name)?.values[0]?.value ?? 0;

    const uncommitted: number[] = [];
    const rssMb: number[] = [];
    let processed: number | undefined;
    const rssBeforeMb = process.memoryUsage().rss / 1024 ** 2;
    await service.start();
    try {
      // the window starts once the backlog is flowing
      await waitFor(async () => (await metric(WORKER_METRICS.uncommittedRecords)) > 0, { timeoutMs: 30_000, intervalMs: 50, description: 'uncommitted records' });
      const startedAt = Date.now();
      await waitFor(
        async () => {
          uncommitted.push(await metric(WORKER_METRICS.uncommittedRecords));
          rssMb.push(process.memoryUsage().rss / 1024 ** 2);
          return Date.now() - startedAt >= SAMPLE_WINDOW_MS;
        },
        { timeoutMs: SAMPLE_WINDOW_MS + 5_000, intervalMs: SAMPLE_EVERY_MS, description: 'the sampling window' },
      );
      processed = await metric(WORKER_METRICS.processed);
    } finally {
      await service.stop();
    }

    const maxUncommitted = Math.max(...uncommitted);
    const maxRssMb = Math.max(...rssMb);
    console.log(`bounded-memory: RSS before start ${rssBeforeMb.toFixed(0)} MB; ${uncommitted.length} samples, max uncommitted ${maxUncommitted} (bound ${UNCOMMITTED_BOUND}), max RSS ${maxRssMb.toFixed(0)} MB (bound ${RSS_BOUND_MB}), processed ${processed} of ${RECORDS}`);
    // a backlog remained through the window, so backpressure (not a drained topic) kept it down
    expect(processed).toBeLessThan(RECORDS);
    expect(maxUncommitted).toBeLessThanOrEqual(UNCOMMITTED_BOUND);
    expect(maxRssMb).toBeLessThan(RSS_BOUND_MB);
  });
});
