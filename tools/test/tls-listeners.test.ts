// TLS proven against a real broker: SSL and SASL_SSL (SCRAM-SHA-512) listeners with certificates
// this test generates, the three apps configured the way users configure them (KAFKA_* variables
// through loadKafkaConfig), and the two mistakes users make failing at once with their own code.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, createKafka, createRegistry, loadKafkaConfig, silentLogger, type KafkaConfig } from '@lagscale/kafka-core';
import { TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import { createConsumerService, loadWorkerSettings } from '@lagscale/consumer-worker';
import { createMonitorService, loadMonitorSettings } from '@lagscale/lag-monitor';
import { createIngestService, defaultIngestConfig } from '@lagscale/producer-gen';
import { findFreePorts, startEmbeddedBroker, type EmbeddedBroker } from '../kafka/embedded-broker.js';
import { generateTestCertificates, tlsListenerProperties, type TestCertificates } from '../kafka/tls-certificates.js';

const SCRAM_USER = { username: 'tls-alice', password: 'tls-alice-secret' } as const;
// Bounds for a busy machine (a second broker JVM starts here), not expectations.
const timeouts = { brokerReadyS: 90, startHookMs: 150_000, testMs: 90_000, connectMs: 20_000 } as const;
const RECORDS = 20;

describe('TLS listeners: all three apps over SSL and over SASL_SSL with SCRAM-SHA-512', () => {
  let dir: string;
  let certificates: TestCertificates;
  let broker: EmbeddedBroker | undefined;
  let bootstrap: { ssl: string; saslSsl: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lagscale-tls-'));
    certificates = await generateTestCertificates(dir);
    const [plaintext, controller, ssl, saslSsl] = (await findFreePorts(4)) as [number, number, number, number];
    broker = await startEmbeddedBroker({
      port: plaintext,
      controllerPort: controller,
      dataDir: join(dir, 'data'),
      deleteDataOnStop: true,
      heap: '-Xmx384m',
      waitTimeoutS: timeouts.brokerReadyS,
      extraProperties: tlsListenerProperties({ plaintext, controller, ssl, saslSsl }, certificates),
      scramCredentials: [`SCRAM-SHA-512=[name=${SCRAM_USER.username},password=${SCRAM_USER.password}]`],
    });
    bootstrap = { ssl: `127.0.0.1:${ssl}`, saslSsl: `127.0.0.1:${saslSsl}` };
  }, timeouts.startHookMs);

  afterAll(async () => {
    try {
      await broker?.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  const modes = [
    { name: 'SSL', env: () => ({ KAFKA_BROKERS: bootstrap.ssl, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: certificates.caFile }) },
    {
      name: 'SASL_SSL with SCRAM-SHA-512',
      env: () => ({
        KAFKA_BROKERS: bootstrap.saslSsl,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: certificates.caFile,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: SCRAM_USER.username,
        KAFKA_SASL_PASSWORD: SCRAM_USER.password,
      }),
    },
  ];

  it.each(modes)('$name: producer-gen ingests, consumer-worker processes, lag-monitor sees the group caught up', { timeout: timeouts.testMs }, async (mode) => {
    const kafkaConfig: KafkaConfig = loadKafkaConfig({ ...mode.env(), KAFKA_CLIENT_ID: 'tls-test' });
    const t = new TestKafka({ ...kafkaConfig, logLevel: 'silent' });
    const stops: Array<() => Promise<void>> = [];
    try {
      const topic = await t.createTopic({ partitions: 2, prefix: 'tls' });
      const outputTopic = `${topic}.out`;
      t.adopt(outputTopic, `${topic}.dlq`);
      const groupId = t.groupId('tls');

      // producer-gen: the HTTP ingest, acknowledged only once Kafka stored the records
      const ingest = createIngestService({ kafkaConfig, ingestConfig: { ...defaultIngestConfig, port: 0 }, logger: silentLogger(), registry: createRegistry({ app: 'producer-gen', defaultMetrics: false }) });
      await ingest.start();
      stops.push(() => ingest.stop());
      const response = await fetch(`${ingest.address?.url}/v1/topics/${topic}/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % 5}`, value: { i } })) }),
      });
      expect(response.status, await response.clone().text()).toBe(200);

      // consumer-worker: reads them and writes each to its output topic
      const worker = createConsumerService({
        kafkaConfig,
        settings: loadWorkerSettings({
          CONSUMER_TOPIC: topic,
          CONSUMER_GROUP_ID: groupId,
          CONSUMER_OUTPUT_TOPIC: outputTopic,
          CONSUMER_HANDLER: 'io-wait',
          CONSUMER_HANDLER_OPTIONS: 'waitMs=0',
          CONSUMER_THREADS: '1',
          CONSUMER_METRICS_PORT: '0',
          CONSUMER_PROGRESS_INTERVAL_MS: '0',
          CONSUMER_COMMIT_INTERVAL_MS: '200',
        }),
        logger: silentLogger(),
        registry: createRegistry({ app: 'consumer-worker', defaultMetrics: false }),
      });
      await worker.start();
      stops.push(() => worker.stop());
      await waitFor(async () => (await t.admin.fetchTopicOffsets(outputTopic)).reduce((sum, o) => sum + Number(o.high), 0) >= RECORDS, {
        timeoutMs: 60_000,
        description: `${RECORDS} records in the output topic`,
      });

      // lag-monitor: collects the group over the same listener and exports it caught up
      const monitor = createMonitorService({
        kafkaConfig,
        settings: loadMonitorSettings({ LAG_MONITOR_GROUPS: groupId, LAG_MONITOR_INTERVAL_MS: '250', LAG_MONITOR_METRICS_PORT: '0', LAG_MONITOR_COLLECT_TIMEOUT_MS: '5000' }),
        logger: silentLogger(),
        registry: createRegistry({ app: 'lag-monitor', defaultMetrics: false }),
      });
      await monitor.start();
      stops.push(() => monitor.stop());
      const caughtUp = await waitFor(
        async () => {
          const cycle = await monitor.cycleNow();
          const view = cycle.views.find((v) => v.groupId === groupId && v.topic === topic);
          return cycle.snapshot.ok && view !== undefined && view.totalLag === 0 ? view : undefined;
        },
        { timeoutMs: 30_000, description: 'lag-monitor to see the group with no lag' },
      );
      expect(caughtUp.partitions).toHaveLength(2);
      const metrics = await (await fetch(`${monitor.url}/metrics`)).text();
      expect(metrics).toMatch(/^lag_monitor_up(\{[^}]*\})? 1$/m);
    } finally {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await t.cleanup();
    }
  });

  it('a CA that did not sign the broker fails at once with TLS_FAILED, in every app', { timeout: timeouts.testMs }, async () => {
    const kafkaConfig = loadKafkaConfig({ KAFKA_BROKERS: bootstrap.ssl, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: certificates.otherCaFile });
    const started = Date.now();
    const attempt = connectClient(createKafka(kafkaConfig, silentLogger()).admin(), { brokers: kafkaConfig.brokers, what: 'admin', deadlineMs: timeouts.connectMs });
    await expect(attempt).rejects.toMatchObject({ code: 'TLS_FAILED', retriable: false, message: expect.stringContaining('KAFKA_SSL_CA_FILE') });
    // Not the connect deadline's BROKER_UNREACHABLE: the handshake error itself, without retries.
    expect(Date.now() - started).toBeLessThan(timeouts.connectMs);

    const worker = createConsumerService({
      kafkaConfig,
      settings: loadWorkerSettings({ CONSUMER_TOPIC: 'any', CONSUMER_GROUP_ID: 'tls-wrong-ca', CONSUMER_HANDLER: 'noop', CONSUMER_METRICS_PORT: '0' }),
      logger: silentLogger(),
      registry: createRegistry({ app: 'consumer-worker', defaultMetrics: false }),
    });
    await expect(worker.start()).rejects.toMatchObject({ code: 'TLS_FAILED' });
    await worker.stop().catch(() => undefined);
  });

  it('a wrong SCRAM password over SASL_SSL fails at once with AUTH_FAILED', { timeout: timeouts.testMs }, async () => {
    const kafkaConfig = loadKafkaConfig({
      KAFKA_BROKERS: bootstrap.saslSsl,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: certificates.caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: SCRAM_USER.username,
      KAFKA_SASL_PASSWORD: 'not-the-password',
    });
    const attempt = connectClient(createKafka(kafkaConfig, silentLogger()).admin(), { brokers: kafkaConfig.brokers, what: 'admin', deadlineMs: timeouts.connectMs });
    await expect(attempt).rejects.toMatchObject({ code: 'AUTH_FAILED', retriable: false });
  });
});
