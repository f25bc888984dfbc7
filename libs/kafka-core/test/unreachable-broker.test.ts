import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError, connectClient, createKafka, ensureTopic } from '../src/index.js';
import { testKafkaConfig } from '../test-support/index.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('an unreachable broker', () => {
  // The vitest timeout is the bound: the call must give up by itself well before it.
  it('fails connect with BROKER_UNREACHABLE after bounded retries', { timeout: 20_000 }, async () => {
    const brokers = [`127.0.0.1:${await closedPort()}`];
    const kafka = createKafka(testKafkaConfig({ brokers, retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 500 } }));
    const attempt = connectClient(kafka.admin(), { brokers, what: 'lag-monitor admin' });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE', retriable: true });
    await expect(attempt).rejects.toThrow(`cannot reach Kafka at ${brokers[0]}`);
  });

  it('stops at the deadline even when retries would go on', { timeout: 20_000 }, async () => {
    const brokers = [`127.0.0.1:${await closedPort()}`];
    const kafka = createKafka(testKafkaConfig({ brokers, retry: { retries: 50, initialRetryTimeMs: 200, maxRetryTimeMs: 2_000 } }));
    const attempt = connectClient(kafka.producer(), { brokers, what: 'producer', deadlineMs: 1_500 });
    await expect(attempt).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    await expect(attempt).rejects.toThrow('within 1500 ms');
  });

  it('admin helpers report a clear error, not a hang', { timeout: 20_000 }, async () => {
    const brokers = [`127.0.0.1:${await closedPort()}`];
    const kafka = createKafka(testKafkaConfig({ brokers, retry: { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 200 } }));
    const admin = kafka.admin();
    await expect(ensureTopic(admin, { topic: 'never', partitions: 1 })).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    await admin.disconnect();
  });
});
