import type { Admin } from 'kafkajs';
import { AppError } from '../errors/app-error.js';
import { fromKafkaError } from '../errors/kafka-errors.js';

export interface EnsureTopicOptions {
  topic: string;
  partitions: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  /** Add partitions when the topic exists with fewer. Kafka can never remove partitions. */
  growPartitions?: boolean;
}

export interface EnsureTopicResult {
  topic: string;
  created: boolean;
  partitions: number;
  /** The count before growing, when partitions were added. */
  grownFrom?: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function validateTopicName(topic: string): void {
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new AppError(
      'TOPIC_INVALID',
      `invalid topic name "${topic}": use 1–249 characters from a-z A-Z 0-9 . _ -`,
      { retriable: false },
    );
  }
}

/** Partition count of a topic, or undefined when it does not exist. */
export async function topicPartitionCount(admin: Admin, topic: string): Promise<number | undefined> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) return undefined;
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return metadata.topics[0]?.partitions.length;
}

/** How long a topic just created may take to show with a leader on every partition. */
export const defaultTopicVisibleTimeoutMs = 10_000;

async function hasLeaders(admin: Admin, topic: string, partitions: number): Promise<boolean> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const found = metadata.topics[0]?.partitions ?? [];
    return found.length >= partitions && found.every((p) => p.leader >= 0);
  } catch (err) {
    if (fromKafkaError(err, { action: 'metadata' }).code === 'TOPIC_NOT_FOUND') return false;
    throw err;
  }
}

// The broker can take a new topic and still answer the metadata request kafkajs waits for
// leaders with UNKNOWN_TOPIC_OR_PARTITION while its metadata catches up (seen on a broker that
// just started). The topic exists: wait, bounded, until every partition has a leader.
async function awaitCreatedTopic(admin: Admin, options: EnsureTopicOptions, cause: unknown): Promise<void> {
  const deadline = Date.now() + defaultTopicVisibleTimeoutMs;
  while (!(await hasLeaders(admin, options.topic, options.partitions))) {
    if (Date.now() >= deadline) {
      throw new AppError('TIMEOUT', `ensureTopic(${options.topic}): created, but no leader for every partition within ${defaultTopicVisibleTimeoutMs} ms`, { cause });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Creates the topic if missing; if it exists with fewer partitions and `growPartitions` is set,
 * adds partitions. Safe to call concurrently and repeatedly: the result says what happened.
 */
export async function ensureTopic(admin: Admin, options: EnsureTopicOptions): Promise<EnsureTopicResult> {
  validateTopicName(options.topic);
  if (!Number.isInteger(options.partitions) || options.partitions < 1) {
    throw new AppError('TOPIC_INVALID', `partitions must be a positive integer (got ${options.partitions})`, { retriable: false });
  }
  try {
    const existing = await topicPartitionCount(admin, options.topic);
    if (existing === undefined) {
      const created = await admin
        .createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: options.topic,
              numPartitions: options.partitions,
              replicationFactor: options.replicationFactor ?? 1,
              configEntries: Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value })),
            },
          ],
        })
        .catch(async (err: unknown) => {
          if (fromKafkaError(err, { action: 'createTopics' }).code !== 'TOPIC_NOT_FOUND') throw err;
          await awaitCreatedTopic(admin, options, err);
          return true;
        });
      if (created) return { topic: options.topic, created: true, partitions: options.partitions };
      // Lost a creation race to another client: fall through and treat it as existing.
      return ensureTopic(admin, options);
    }
    if (existing < options.partitions && options.growPartitions === true) {
      await admin.createPartitions({ topicPartitions: [{ topic: options.topic, count: options.partitions }] });
      return { topic: options.topic, created: false, partitions: options.partitions, grownFrom: existing };
    }
    return { topic: options.topic, created: false, partitions: existing };
  } catch (err) {
    if (err instanceof AppError) throw err;
    // A concurrent creator can make createTopics fail with TOPIC_ALREADY_EXISTS.
    if ((err as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return ensureTopic(admin, options);
    throw fromKafkaError(err, { action: `ensureTopic(${options.topic})` });
  }
}
