import { AppError } from '../errors/app-error.js';
import { fromKafkaError } from '../errors/kafka-errors.js';
import { kafkajsFork } from './kafkajs-fork.js';

interface Connectable {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export const defaultConnectOptions = { deadlineMs: 30_000 } as const;

/**
 * Connects a kafkajs client (admin, producer or consumer) or fails with BROKER_UNREACHABLE once
 * kafkajs's retries are exhausted or the deadline passes, whichever is first. kafkajs alone can
 * keep retrying for minutes; a user starting an app against a wrong address should know in
 * seconds. A kafkajs other than ours (vendor/kafkajs) fails first, with KAFKAJS_INCOMPATIBLE.
 */
export async function connectClient<T extends Connectable>(
  client: T,
  context: { brokers: readonly string[]; what: string; deadlineMs?: number },
): Promise<T> {
  kafkajsFork();
  const deadlineMs = context.deadlineMs ?? defaultConnectOptions.deadlineMs;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'BROKER_UNREACHABLE',
            `${context.what}: no connection to Kafka at ${context.brokers.join(',')} within ${deadlineMs} ms. Check KAFKA_BROKERS and that the broker is running.`,
          ),
        ),
      deadlineMs,
    );
  });
  try {
    await Promise.race([client.connect(), deadline]);
    return client;
  } catch (err) {
    await client.disconnect().catch(() => undefined);
    throw fromKafkaError(err, { brokers: context.brokers, action: context.what });
  } finally {
    clearTimeout(timer);
  }
}
