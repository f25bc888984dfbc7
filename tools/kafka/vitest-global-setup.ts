import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';
import { KAFKA_ENV, KafkaToolError, resolveBrokers, startEmbeddedBroker } from './embedded-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap brokers of the cluster the integration suites run against. */
    kafkaBrokers: string;
  }
}

export const defaultGlobalSetupOptions = { reachTimeoutMs: 5_000 } as const;

/**
 * Integration suites share one broker: the cluster named by KAFKA_BROKERS if set (checked to be
 * reachable), else the embedded broker, started here and stopped at teardown only if this run
 * started it. Workers read the list from KAFKA_BROKERS (they inherit env) or inject('kafkaBrokers').
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let brokers: string[];
  let teardown = async (): Promise<void> => {};

  if (process.env[KAFKA_ENV.brokers]?.trim()) {
    brokers = resolveBrokers();
    await assertReachable(brokers, defaultGlobalSetupOptions.reachTimeoutMs);
  } else {
    const broker = await startEmbeddedBroker({ log: (line) => console.log(`[kafka] ${line}`) });
    brokers = broker.brokers;
    teardown = () => broker.stop();
  }

  process.env[KAFKA_ENV.brokers] = brokers.join(',');
  project.provide('kafkaBrokers', brokers.join(','));
  return teardown;
}

/** A TCP connect to any broker: enough to fail fast on a typo, a VPN or a stopped cluster. */
async function assertReachable(brokers: string[], timeoutMs: number): Promise<void> {
  const failures: string[] = [];
  for (const broker of brokers) {
    try {
      await tcpConnect(broker, timeoutMs);
      return;
    } catch (err) {
      failures.push(`${broker}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new KafkaToolError(
    'BROKER_UNREACHABLE',
    `${KAFKA_ENV.brokers} is set but no broker answered; unset it to use the embedded broker.\n  ${failures.join('\n  ')}`,
  );
}

function tcpConnect(broker: string, timeoutMs: number): Promise<void> {
  const separator = broker.lastIndexOf(':');
  const host = broker.slice(0, separator);
  const port = Number(broker.slice(separator + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}
