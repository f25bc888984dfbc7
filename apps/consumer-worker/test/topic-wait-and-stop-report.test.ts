import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger, createRegistry, ensureTopic, fetchGroupTopicOffsets, type Logger } from '@lagscale/kafka-core';
import { TestKafka, testBrokers, testKafkaConfig, uniqueName, waitFor, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings, workerEnv } from '../src/config/worker-config.js';
import { createConsumerService, type ConsumerService } from '../src/runtime/consumer-service.js';
import { workerTopics } from '../test-support/worker-process.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function capturedLogger(): { logger: Logger; lines: LogLine[]; messages: () => string[] } {
  const stream = new PassThrough();
  const lines: LogLine[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine)));
  return { logger: createLogger({ name: 'consumer-worker', level: 'info', destination: stream }), lines, messages: () => lines.map((l) => l.msg) };
}

async function readiness(service: ConsumerService): Promise<{ status: number; body: string } | undefined> {
  if (service.metricsUrl === undefined) return undefined;
  const res = await fetch(`${service.metricsUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
  return { status: res.status, body: await res.text() };
}

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

describe('consumer-worker: what it says while it waits and when it stops', () => {
  const t = new TestKafka();
  const services: ConsumerService[] = [];
  afterEach(async () => {
    await Promise.allSettled(services.splice(0).map((s) => s.stop()));
  });
  afterAll(() => t.cleanup());

  function service(env: Record<string, string>, logger: Logger): ConsumerService {
    const settings = loadWorkerSettings({ CONSUMER_METRICS_PORT: '0', CONSUMER_PROGRESS_INTERVAL_MS: '0', CONSUMER_COMMIT_INTERVAL_MS: '100', ...env });
    const created = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger, registry: createRegistry({ app: 'test', defaultMetrics: false }) });
    services.push(created);
    return created;
  }

  it('started before its topic exists, it waits (not ready, saying for what), then consumes it; creating the side topics logs one line each', { timeout: 120_000 }, async () => {
    await t.connect();
    const topic = uniqueName('cw-wait');
    t.adopt(topic);
    const { outputTopic, dlqTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-wait');
    const { logger, messages } = capturedLogger();
    const worker = service({ CONSUMER_TOPIC: topic, CONSUMER_GROUP_ID: groupId, CONSUMER_OUTPUT_TOPIC: outputTopic, CONSUMER_HANDLER: 'io-wait', CONSUMER_HANDLER_OPTIONS: 'waitMs=0', CONSUMER_TOPIC_WAIT_MS: '60s' }, logger);
    const started = worker.start();

    // It used to exit with TOPIC_NOT_FOUND here.
    const notReady = await waitFor(async () => {
      const ready = await readiness(worker);
      return ready !== undefined && ready.body.includes('waiting for topic') ? ready : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100, description: '/readyz to say it waits for the topic' });
    expect(notReady.status).toBe(503);
    expect(notReady.body).toContain(`waiting for topic ${topic} to be created`);
    expect(messages()).toContain(`topic ${topic} does not exist yet: waiting up to 1m for it to be created (--topic-wait-ms); not ready until then`);

    await ensureTopic(t.admin, { topic, partitions: 2 });
    const producer = await t.producer();
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) })) });
    await started;
    await waitForGroupCaughtUp(t.admin, groupId, topic, { timeoutMs: 60_000, intervalMs: 200, description: 'the worker to commit the 50 records' });
    await waitFor(async () => (await readiness(worker))?.status === 200, { timeoutMs: 30_000, intervalMs: 100, description: '/readyz 200' });

    expect(messages()).toContain(`topic ${topic} exists now (2 partitions): joining the group`);
    // Created without a word before; now one info line each.
    expect(messages().filter((m) => m === `created dead-letter topic ${dlqTopic} with 2 partitions`)).toHaveLength(1);
    expect(messages().filter((m) => m === `created output topic ${outputTopic} with 2 partitions`)).toHaveLength(1);
  });

  it('with --topic-wait-ms 0 a missing topic fails the start at once, with TOPIC_NOT_FOUND and the fix', { timeout: 60_000 }, async () => {
    const topic = uniqueName('cw-missing');
    const { logger } = capturedLogger();
    const worker = service({ CONSUMER_TOPIC: topic, CONSUMER_GROUP_ID: t.groupId('cw-missing'), CONSUMER_TOPIC_WAIT_MS: '0' }, logger);
    await expect(worker.start()).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND', message: expect.stringContaining('create it (producer-gen run --topic') });
  });

  it('shutdown says how many fetched records will be redelivered, per partition, and commits the rest', { timeout: 120_000 }, async () => {
    const topic = await t.createTopic({ partitions: 2, prefix: 'cw-redeliver' });
    const { outputTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-redeliver');
    const producer = await t.producer();
    await producer.send({ topic, messages: Array.from({ length: 2_000 }, (_, i) => ({ key: `k${i % 20}`, value: JSON.stringify({ i }) })) });
    const { logger, lines } = capturedLogger();
    // Slow on purpose (20 ms a record, chunks of 5 on one thread): most fetched records are still
    // queued when the stop comes, and a stop finishes only the chunks already running.
    const worker = service(
      { CONSUMER_TOPIC: topic, CONSUMER_GROUP_ID: groupId, CONSUMER_OUTPUT_TOPIC: outputTopic, CONSUMER_HANDLER: 'io-wait', CONSUMER_HANDLER_OPTIONS: 'waitMs=20', CONSUMER_THREADS: '1', CONSUMER_CHUNK_SIZE: '5' },
      logger,
    );
    await worker.start();
    await waitFor(async () => (await fetchGroupTopicOffsets(t.admin, groupId, topic)).some((o) => (o.committed ?? 0) > 0), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'a first commit',
    });
    await worker.stop();

    const report = lines.find((l) => l.msg.includes('will be redelivered'));
    expect(report, lines.map((l) => l.msg).join('\n')).toBeDefined();
    const redelivered = report?.redelivered as number;
    const perPartition = report?.partitions as Record<string, number>;
    expect(redelivered).toBeGreaterThan(0);
    expect(report?.msg).toMatch(new RegExp(`^${redelivered} fetched records were not committed and will be redelivered to the group \\(${topic}\\[[01]\\] \\d+`));
    expect(Object.values(perPartition).reduce((a, b) => a + b, 0)).toBe(redelivered);
    // What it says is left is at most what the group has not committed.
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    for (const o of offsets) expect(perPartition[`${topic}[${o.partition}]`] ?? 0).toBeLessThanOrEqual(o.end - (o.committed ?? 0));
  });

  it('the CLI waits for a missing topic and, on SIGTERM, logs the documented shutdown timeout and exits 0', { timeout: 90_000 }, async () => {
    const topic = uniqueName('cw-cli-wait');
    const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', main, '--topic', topic, '--group-id', t.groupId('cw-cli-wait'), '--metrics-port', '0'], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stdout.includes(`topic ${topic} does not exist yet: waiting up to 5m`), { timeoutMs: 60_000, intervalMs: 100, description: 'the wait line' });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const stopping = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine).find((l) => l.msg === 'consumer-worker: stopping');
    // It logged 35000 (the drain bound + 5 s) while the README documents 30000.
    expect(stopping?.timeoutMs).toBe(workerEnv.shutdownTimeoutMs.defaultValue);
    expect(stopping?.timeoutMs).toBe(30_000);
  });
});
