// A replica that cannot fetch says so: /readyz turns 503 naming the fetch while its broker is
// gone (SIGKILL), and back to 200 by itself once the broker is back, with nothing lost.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, silentLogger } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitFor } from '@lagscale/kafka-core/testing';
import { killBroker, startEmbeddedBroker, throwawayBrokerOptions, type EmbeddedBroker, type ThrowawayBrokerOptions } from '../../../tools/kafka/embedded-broker.js';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { createConsumerService, type ConsumerService } from '../src/runtime/consumer-service.js';
import { topicRecordCount, workerTopics } from '../test-support/worker-process.js';

async function readyz(url: string): Promise<{ status: number; checks: Record<string, string> }> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
}

describe('consumer-worker across a broker restart', () => {
  let options: ThrowawayBrokerOptions;
  let broker: EmbeddedBroker | undefined;
  let t: TestKafka;
  let service: ConsumerService | undefined;

  beforeAll(async () => {
    options = await throwawayBrokerOptions('cw-broker-restart');
    broker = await startEmbeddedBroker(options);
    t = new TestKafka({ brokers: broker.brokers });
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await t?.cleanup().catch(() => undefined);
    await broker?.stop();
    if (options !== undefined) await rm(options.dataDir, { recursive: true, force: true });
  }, 120_000);

  it('is not ready while it cannot fetch, ready again by itself after, and outputs every record', { timeout: 240_000 }, async () => {
    const topic = await t.createTopic({ partitions: 2, prefix: 'cw-restart' });
    const { outputTopic } = workerTopics(t, topic);
    const producer = await t.producer();
    const send = (from: number, count: number) => producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % 7}`, value: String(from + i) })) });
    await send(0, 50);

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: t.groupId('cw-restart'),
      CONSUMER_OUTPUT_TOPIC: outputTopic,
      CONSUMER_HANDLER: 'io-wait',
      CONSUMER_HANDLER_OPTIONS: 'waitMs=0',
      CONSUMER_THREADS: '1',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
      CONSUMER_COMMIT_INTERVAL_MS: '200',
      // After the restart the group waits out the old member's session before it rebalances.
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
    });
    service = createConsumerService({ kafkaConfig: testKafkaConfig({ brokers: broker?.brokers ?? [] }), settings, logger: silentLogger(), registry: createRegistry({ app: 'test', defaultMetrics: false }) });
    await service.start();
    const url = service.metricsUrl ?? '';
    await waitFor(async () => (await topicRecordCount(t, outputTopic)) >= 50, { timeoutMs: 60_000, description: 'the first 50 records output' });
    expect(await readyz(url)).toEqual({ status: 200, checks: { topic: 'ok', group: 'ok', fetch: 'ok' } });
    await producer.disconnect();

    await killBroker(options.dataDir);
    const down = await waitFor(
      async () => {
        const r = await readyz(url);
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: '/readyz 503 while the broker is gone' },
    );
    expect(down.checks.fetch).toMatch(/^cannot fetch: /);
    // Alive all along: a restart would not help, the broker is what is missing.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    broker = await startEmbeddedBroker(options);
    await waitFor(async () => (await readyz(url)).status === 200, { timeoutMs: 120_000, intervalMs: 250, description: '/readyz back to 200 after the broker restart' });
    const again = await t.producer();
    await again.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: String(50 + i) })) });
    await waitFor(async () => (await topicRecordCount(t, outputTopic)) >= 100, { timeoutMs: 90_000, description: 'the 50 records sent after the restart output too' });
  });
});
