import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, silentLogger } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitFor } from '@lagscale/kafka-core/testing';
import { startEmbeddedBroker, throwawayBrokerOptions, type EmbeddedBroker, type ThrowawayBrokerOptions } from '../../../tools/kafka/embedded-broker.js';
import { sigkillBroker } from './broker-crash.js';
import { createIngestService, defaultIngestConfig, type IngestService, type RecordPosition } from '../src/ingest/index.js';

interface Outcome {
  status: number;
  retryAfter: string | null;
  body: unknown;
  elapsedMs: number;
  values: string[];
}

const REQUEST_TIMEOUT_MS = 4_000;
const RETRY_AFTER_S = 2;

async function ingest(service: IngestService, topic: string, values: string[]): Promise<Outcome> {
  const started = Date.now();
  const response = await fetch(`${service.address?.url}/v1/topics/${topic}/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ records: values.map((value, i) => ({ key: `k${i % 5}`, value, valueEncoding: 'string' })) }),
  });
  const body = (await response.json()) as unknown;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body, elapsedMs: Date.now() - started, values };
}

/** Whether every thread of a process is in the stopped state ("T" in /proc/<pid>/task/<tid>/stat). */
async function allThreadsStopped(pid: number): Promise<boolean> {
  const tasks = await readdir(`/proc/${pid}/task`);
  for (const tid of tasks) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    // the state is the field after the command name, which is in parentheses and may hold spaces
    if (stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'T') return false;
  }
  return true;
}

async function readyz(service: IngestService): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${service.address?.url}/readyz`);
  return { status: response.status, body: (await response.json()) as unknown };
}

// The broker is a throwaway on its own ports and data dir, so stopping it disturbs no other suite.
describe('HTTP ingest when the broker goes away', () => {
  let brokerOptions: ThrowawayBrokerOptions;
  let broker: EmbeddedBroker | undefined;
  let t: TestKafka;
  let service: IngestService;
  let topic: string;

  const startBroker = async (deleteDataOnStop: boolean): Promise<EmbeddedBroker> =>
    startEmbeddedBroker({ ...brokerOptions, deleteDataOnStop });

  beforeAll(async () => {
    brokerOptions = await throwawayBrokerOptions('ingest-broker-down');
    broker = await startBroker(false);
    t = new TestKafka({ brokers: broker.brokers });
    topic = await t.createTopic({ partitions: 3, prefix: 'ingest-down' });
    service = createIngestService({
      // Few, short retries: the point is how fast a client hears that Kafka is gone.
      kafkaConfig: testKafkaConfig({
        brokers: broker.brokers,
        connectionTimeoutMs: 1_000,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 500 },
      }),
      ingestConfig: { ...defaultIngestConfig, port: 0, requestTimeoutMs: REQUEST_TIMEOUT_MS, retryAfterSeconds: RETRY_AFTER_S },
      logger: silentLogger(),
      registry: createRegistry({ app: 'producer-gen', defaultMetrics: false }),
    });
    await service.start();
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await t?.cleanup();
    await broker?.stop();
    if (brokerOptions !== undefined) await rm(brokerOptions.dataDir, { recursive: true, force: true });
  }, 120_000);

  // Every 200 must be readable at the offsets it gave: nothing acknowledged that Kafka did not store.
  async function expectStored(acknowledged: Array<RecordPosition & { value: string | undefined }>): Promise<void> {
    const { messages } = await t.collect({ topic, groupId: t.groupId('down-readback'), fromBeginning: true });
    const stored = new Map<string, string | undefined>();
    await waitFor(
      () => {
        for (const m of messages) stored.set(`${m.partition}:${m.offset}`, m.value?.toString());
        return acknowledged.every((a) => stored.has(`${a.partition}:${a.offset}`));
      },
      { timeoutMs: 30_000, description: `${acknowledged.length} acknowledged records read back` },
    );
    for (const a of acknowledged) expect(stored.get(`${a.partition}:${a.offset}`)).toBe(a.value);
  }

  const acknowledgedIn = (outcomes: readonly Outcome[]) =>
    outcomes
      .filter((o) => o.status === 200)
      .flatMap((o) => (o.body as { records: RecordPosition[] }).records.map((position, i) => ({ ...position, value: o.values[i] })));

  it('answers 503 within the request timeout while the broker is frozen, and recovers when it thaws', { timeout: 60_000 }, async () => {
    const before = await ingest(service, topic, ['frozen-before']);
    expect(before.status).toBe(200);
    // SIGSTOP: the broker keeps its connections open but answers nothing, like a hung host.
    const pid = Number((await readFile(join(brokerOptions.dataDir, 'kafka.pid'), 'utf8')).trim());
    process.kill(pid, 'SIGSTOP');
    // kill() returns before the stop is complete: each of the JVM's threads enters the stopped
    // state on its own, and on a busy machine one may still answer a request meanwhile.
    await waitFor(async () => await allThreadsStopped(pid), { timeoutMs: 10_000, description: `every thread of the broker (pid ${pid}) stopped` });
    let frozen: Outcome;
    let ready: { status: number; body: unknown };
    try {
      frozen = await ingest(service, topic, ['frozen-during']);
      ready = await readyz(service);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(frozen.status).toBe(503);
    expect(frozen.retryAfter).toBe(String(RETRY_AFTER_S));
    expect(frozen.body).toEqual({
      error: {
        code: 'KAFKA_UNAVAILABLE',
        message: `Kafka did not answer within ${REQUEST_TIMEOUT_MS} ms; none of the records is confirmed (some may have been stored; a retry may duplicate them)`,
      },
    });
    expect(frozen.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(frozen.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
    expect(ready).toEqual({ status: 503, body: { status: 'not ready', checks: { kafka: expect.stringMatching(/^kafka unavailable: /) } } });

    await waitFor(async () => (await readyz(service)).status === 200, { timeoutMs: 30_000, description: '/readyz back to 200' });
    const after = await ingest(service, topic, ['frozen-after']);
    expect(after.status).toBe(200);
    await expectStored(acknowledgedIn([before, after]));
  });

  it('answers 503 with Retry-After while the broker is down, and every 200 it gave is readable after a restart', { timeout: 180_000 }, async () => {
    const before = await ingest(service, topic, ['before-0', 'before-1', 'before-2', 'before-3']);
    expect(before.status).toBe(200);
    expect((await readyz(service)).status).toBe(200);

    // Three clients keep sending while the broker shuts down, until each has seen two refusals.
    const outcomes: Outcome[] = [before];
    let sequence = 0;
    const client = async (id: number): Promise<void> => {
      let refused = 0;
      while (refused < 2) {
        const values = Array.from({ length: 10 }, (_, i) => `c${id}-${sequence}-${i}`);
        sequence += 1;
        const outcome = await ingest(service, topic, values);
        outcomes.push(outcome);
        if (outcome.status !== 200) refused += 1;
      }
    };
    const clients = Promise.all([client(0), client(1), client(2)]);
    await waitFor(() => outcomes.length > 6, { timeoutMs: 20_000, description: 'traffic before the stop' });
    await broker?.stop();
    await clients;

    // Once the broker is gone, a request is answered quickly and honestly.
    const down = await ingest(service, topic, ['while-down']);
    expect(down.status).toBe(503);
    expect(down.retryAfter).toBe(String(RETRY_AFTER_S));
    expect(down.body).toEqual({
      error: {
        code: 'KAFKA_UNAVAILABLE',
        message: 'Kafka is unreachable; none of the records is confirmed (some may have been stored; a retry may duplicate them)',
      },
    });
    expect(down.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
    // Every answer during the stop was a 200 or this 503, each within the request timeout.
    for (const outcome of outcomes) {
      expect([200, 503]).toContain(outcome.status);
      expect(outcome.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
      if (outcome.status === 503) {
        expect(outcome.retryAfter).toBe(String(RETRY_AFTER_S));
        expect(outcome.body).toMatchObject({ error: { code: 'KAFKA_UNAVAILABLE' } });
      }
    }
    const ready = await readyz(service);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not ready', checks: { kafka: expect.stringMatching(/^kafka unavailable: /) } });
    expect(service.state).toBe('running');

    broker = await startBroker(true);
    await waitFor(async () => (await readyz(service)).status === 200, { timeoutMs: 60_000, description: '/readyz back to 200' });
    const after = await waitFor(
      async () => {
        const outcome = await ingest(service, topic, ['after-0', 'after-1']);
        return outcome.status === 200 && outcome;
      },
      { timeoutMs: 30_000, description: 'a 200 after the restart' },
    );
    outcomes.push(after);

    const acknowledged = acknowledgedIn(outcomes);
    expect(acknowledged.length).toBeGreaterThan(4 + 2);
    await expectStored(acknowledged);
  });
  it('requests in flight when the broker is SIGKILLed are retried within the request timeout: 200 once it is back, never a lost 200, a 503 says retry', { timeout: 300_000 }, async () => {
    // A gateway that allows Kafka 60 s, which a restart fits in on an idle machine (15-25 s here);
    // on a busy one a request may still run out of time, and then its 503 must say so honestly.
    const patientTimeoutMs = 60_000;
    const patient = createIngestService({
      kafkaConfig: testKafkaConfig({
        brokers: broker?.brokers ?? [],
        connectionTimeoutMs: 1_000,
        requestTimeoutMs: 5_000,
        retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 500 },
      }),
      ingestConfig: { ...defaultIngestConfig, port: 0, requestTimeoutMs: patientTimeoutMs, retryAfterSeconds: RETRY_AFTER_S },
      logger: silentLogger(),
      registry: createRegistry({ app: 'producer-gen', defaultMetrics: false }),
    });
    await patient.start();
    try {
      const outcomes: Array<Outcome & { startedAt: number }> = [];
      let restarted = false;
      let sequence = 0;
      // Each client keeps one request in flight until the broker is back, then sends one more.
      const client = async (id: number): Promise<void> => {
        for (let last = false; !last; ) {
          last = restarted;
          const values = Array.from({ length: 10 }, (_, i) => `k${id}-${sequence}-${i}`);
          sequence += 1;
          const startedAt = Date.now();
          outcomes.push({ ...(await ingest(patient, topic, values)), startedAt });
        }
      };
      const clients = Promise.all([client(0), client(1), client(2)]);
      await waitFor(() => outcomes.length >= 6, { timeoutMs: 20_000, description: 'traffic before the crash' });
      const killedAt = Date.now();
      await sigkillBroker(brokerOptions.dataDir, brokerOptions.port);
      broker = await startEmbeddedBroker({ ...brokerOptions, deleteDataOnStop: true, waitTimeoutS: 120 });
      const backAt = Date.now();
      restarted = true;
      await clients;

      const inFlight = outcomes.filter((o) => o.startedAt < killedAt && o.startedAt + o.elapsedMs > killedAt);
      expect(inFlight.length).toBeGreaterThan(0);
      for (const outcome of outcomes) {
        expect(outcome.elapsedMs).toBeLessThan(patientTimeoutMs + 2_000);
        if (outcome.status === 200) continue;
        expect({ status: outcome.status, retryAfter: outcome.retryAfter, body: outcome.body }).toEqual({
          status: 503,
          retryAfter: String(RETRY_AFTER_S),
          body: { error: { code: 'KAFKA_UNAVAILABLE', message: expect.stringMatching(/none of the records is confirmed \(some may have been stored; a retry may duplicate them\)$/) } },
        });
        // Only a request whose time ran out before the broker was back (and its partitions led) may fail.
        expect(outcome.startedAt + patientTimeoutMs).toBeLessThan(backAt + 15_000);
      }
      // The requests in flight at the crash were retried, not failed at once: those with time left answered 200.
      expect(inFlight.filter((o) => o.startedAt + patientTimeoutMs > backAt + 15_000).every((o) => o.status === 200)).toBe(true);
      expect(outcomes.filter((o) => o.startedAt > backAt).every((o) => o.status === 200)).toBe(true);
      await expectStored(acknowledgedIn(outcomes));
    } finally {
      await patient.stop();
    }
  });
});
