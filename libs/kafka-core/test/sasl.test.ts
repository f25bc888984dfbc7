import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePorts, startEmbeddedBroker, type EmbeddedBroker } from '../../../tools/kafka/embedded-broker.js';
import { AppError, connectClient, createKafka, ensureTopic, loadKafkaConfig, type SaslMechanism } from '../src/index.js';
import { uniqueName, waitForMessages } from '../test-support/index.js';

interface SaslUser {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

// A different password per mechanism, so a pass proves that mechanism's own credential store
// (the PLAIN JAAS entry, or the SCRAM record of that hash) answered.
const plainUser: SaslUser = { mechanism: 'plain', username: 'alice', password: 'plain-secret' };
const scramUsers: SaslUser[] = [
  { mechanism: 'scram-sha-256', username: 'alice', password: 'scram256-secret' },
  { mechanism: 'scram-sha-512', username: 'alice', password: 'scram512-secret' },
];
const users = [plainUser, ...scramUsers];

// kafka.sh gives up (and stops the broker) before the hook's own timeout, so nothing is orphaned.
// Bounds, not expectations: a second JVM (formatter, then broker) on two shared cores took over
// 30 s to answer while other suites ran, so the bounds leave room for a busy machine.
const timeouts = { brokerReadyS: 90, startHookMs: 150_000, connectMs: 20_000, messagesMs: 30_000, testMs: 60_000 } as const;

/** Our own broker: a SASL_PLAINTEXT listener next to the PLAINTEXT one kafka.sh probes for readiness. */
async function startSaslBroker(dataDir: string): Promise<{ broker: EmbeddedBroker; saslBootstrap: string }> {
  const [port, controllerPort, saslPort] = (await findFreePorts(3)) as [number, number, number];
  const plainJaas = `org.apache.kafka.common.security.plain.PlainLoginModule required user_${plainUser.username}="${plainUser.password}";`;
  const scramJaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  const broker = await startEmbeddedBroker({
    port,
    controllerPort,
    dataDir,
    deleteDataOnStop: true,
    heap: '-Xmx384m',
    waitTimeoutS: timeouts.brokerReadyS,
    extraProperties: {
      listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': plainJaas,
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': scramJaas,
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': scramJaas,
    },
    // KRaft keeps SCRAM users in the cluster metadata; the formatter writes them before first start.
    scramCredentials: scramUsers.map(
      ({ mechanism, username, password }) => `${mechanism.toUpperCase()}=[name=${username},password=${password}]`,
    ),
  });
  return { broker, saslBootstrap: `127.0.0.1:${saslPort}` };
}

describe('SASL settings from the environment against a real broker', () => {
  let dataDir: string;
  let broker: EmbeddedBroker | undefined;
  let saslBootstrap: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lagscale-sasl-'));
    ({ broker, saslBootstrap } = await startSaslBroker(dataDir));
  }, timeouts.startHookMs);

  afterAll(async () => {
    try {
      await broker?.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  /** The path users take: KAFKA_* variables through loadKafkaConfig into createKafka. */
  function kafkaFromEnv({ mechanism, username, password }: SaslUser) {
    const config = loadKafkaConfig({
      KAFKA_BROKERS: saslBootstrap,
      KAFKA_CLIENT_ID: 'lagscale-sasl-test',
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: username,
      KAFKA_SASL_PASSWORD: password,
      LOG_LEVEL: 'silent',
    });
    expect(config.sasl).toEqual({ mechanism, username, password });
    return { config, kafka: createKafka(config) };
  }

  it.each(users)('$mechanism: admin, produce and consume over SASL', { timeout: timeouts.testMs }, async (user) => {
    const { mechanism } = user;
    const { config, kafka } = kafkaFromEnv(user);
    const connect = { brokers: config.brokers, deadlineMs: timeouts.connectMs };
    const admin = await connectClient(kafka.admin(), { ...connect, what: `${mechanism} admin` });
    const producer = kafka.producer();
    // A short long-poll: disconnect waits for the fetch in flight (kafkajs default 5 s).
    const consumer = kafka.consumer({ groupId: uniqueName(`sasl-${mechanism}`), maxWaitTimeInMs: 250 });
    try {
      const topic = uniqueName(`sasl-${mechanism}`);
      expect(await ensureTopic(admin, { topic, partitions: 1 })).toMatchObject({ topic, created: true });

      await connectClient(producer, { ...connect, what: `${mechanism} producer` });
      await producer.send({ topic, messages: [{ key: 'k', value: `hello over ${mechanism}` }] });

      const received: string[] = [];
      await connectClient(consumer, { ...connect, what: `${mechanism} consumer` });
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message.value?.toString() ?? '');
        },
      });
      await waitForMessages(received, 1, timeouts.messagesMs);
      expect(received).toEqual([`hello over ${mechanism}`]);
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      await admin.disconnect();
    }
  });

  it.each(users)('$mechanism: a wrong password fails connect with AUTH_FAILED', { timeout: timeouts.testMs }, async (user) => {
    const { mechanism } = user;
    const { config, kafka } = kafkaFromEnv({ ...user, password: 'not-the-password' });
    const attempt = connectClient(kafka.admin(), { brokers: config.brokers, what: `${mechanism} admin`, deadlineMs: timeouts.connectMs });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'AUTH_FAILED', retriable: false });
  });
});
