import type { Admin } from 'kafkajs';
import { AppError } from '../errors/app-error.js';
import {
  awaitTopicLeaders,
  defaultTopicReadinessOptions,
  isTransientAdminError,
  kafkaErrorType,
  retryTransient,
  type TopicReadinessOptions,
} from './topic-readiness.js';

export { awaitTopicLeaders, defaultTopicReadinessOptions, type TopicReadinessOptions } from './topic-readiness.js';

export interface EnsureTopicOptions {
  topic: string;
  partitions: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  /** Add partitions when the topic exists with fewer. Kafka can never remove partitions. */
  growPartitions?: boolean;
  /** Bound on the whole call, waits for leaders included (default `defaultTopicReadinessOptions.timeoutMs`). */
  timeoutMs?: number;
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

/**
 * Partition count of a topic, or undefined when it does not exist. A topic the broker lists but
 * whose metadata it cannot show yet (just created, or its metadata still propagating) is waited
 * for, bounded: it exists, so "undefined" would be wrong and its count is what callers need.
 */
export async function topicPartitionCount(admin: Admin, topic: string, options: Partial<TopicReadinessOptions> = {}): Promise<number | undefined> {
  const { timeoutMs, intervalMs } = { ...defaultTopicReadinessOptions, ...options };
  const deadline = Date.now() + timeoutMs;
  return retryTransient(`topicPartitionCount(${topic})`, deadline, intervalMs, async () => {
    for (;;) {
      const topics = await admin.listTopics();
      if (!topics.includes(topic)) return undefined;
      const check = await checkPartitions(admin, topic);
      if (check !== undefined) return check;
      if (Date.now() >= deadline) {
        throw new AppError('TIMEOUT', `topicPartitionCount(${topic}): the broker lists the topic but shows no partitions for it within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  });
}

export interface AwaitTopicOptions {
  /** Give up after this long (the caller decides what that means). */
  timeoutMs: number;
  /** Pause between two looks at the topic list. */
  intervalMs: number;
  /** Ends the wait early (the app is stopping). */
  signal?: AbortSignal;
}

/**
 * Waits for a topic to exist (someone else creates it: a producer, an operator): its partition
 * count once it does, or undefined when `timeoutMs` passes or `signal` aborts first.
 */
export async function awaitTopic(admin: Admin, topic: string, options: AwaitTopicOptions): Promise<number | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted === true) return undefined;
    const partitions = await topicPartitionCount(admin, topic);
    if (partitions !== undefined) return partitions;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await abortableDelay(Math.min(options.intervalMs, left), options.signal);
  }
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function checkPartitions(admin: Admin, topic: string): Promise<number | undefined> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
    return count > 0 ? count : undefined;
  } catch (err) {
    if (isTransientAdminError(err)) return undefined;
    throw err;
  }
}

/**
 * Creates the topic if missing; if it exists with fewer partitions and `growPartitions` is set,
 * adds partitions. Either way it returns only once every partition has a leader (bounded by
 * `timeoutMs`), retrying the broker's transient answers. Safe to call concurrently and
 * repeatedly: the result says what happened.
 */
export async function ensureTopic(admin: Admin, options: EnsureTopicOptions): Promise<EnsureTopicResult> {
  validateTopicName(options.topic);
  if (!Number.isInteger(options.partitions) || options.partitions < 1) {
    throw new AppError('TOPIC_INVALID', `partitions must be a positive integer (got ${options.partitions})`, { retriable: false });
  }
  const readiness = { ...defaultTopicReadinessOptions, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
  const deadline = Date.now() + readiness.timeoutMs;
  const remaining = () => ({ timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: readiness.intervalMs });
  const action = `ensureTopic(${options.topic})`;

  for (;;) {
    if (Date.now() >= deadline) {
      throw new AppError('TIMEOUT', `${action}: the topic neither existed nor could be created within ${readiness.timeoutMs} ms (is it being deleted?)`);
    }
    const existing = await topicPartitionCount(admin, options.topic, remaining());
    if (existing === undefined) {
      const created = await retryTransient(action, deadline, readiness.intervalMs, () => createTopic(admin, options));
      // false: another client created it between our look and our request; treat it as existing.
      if (!created) continue;
      await awaitTopicLeaders(admin, options.topic, options.partitions, remaining());
      return { topic: options.topic, created: true, partitions: options.partitions };
    }
    if (existing < options.partitions && options.growPartitions === true) {
      const grown = await retryTransient(action, deadline, readiness.intervalMs, () => growTopic(admin, options.topic, options.partitions));
      // false: another client grew it first; look again at what it has now.
      if (!grown) continue;
      await awaitTopicLeaders(admin, options.topic, options.partitions, remaining());
      return { topic: options.topic, created: false, partitions: options.partitions, grownFrom: existing };
    }
    await awaitTopicLeaders(admin, options.topic, Math.min(existing, options.partitions), remaining());
    return { topic: options.topic, created: false, partitions: existing };
  }
}

/** true when this call created the topic, false when it already existed. */
async function createTopic(admin: Admin, options: EnsureTopicOptions): Promise<boolean> {
  try {
    // Our own wait for leaders (awaitTopicLeaders) replaces kafkajs's, which gives up at once on
    // a broker whose metadata has not caught up with the controller yet.
    return await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic: options.topic,
          numPartitions: options.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } catch (err) {
    if (kafkaErrorType(err) === 'TOPIC_ALREADY_EXISTS') return false;
    throw err;
  }
}

/** true when this call added the partitions, false when the topic already had as many. */
async function growTopic(admin: Admin, topic: string, partitions: number): Promise<boolean> {
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
    return true;
  } catch (err) {
    // A concurrent caller grew it first: the broker refuses a count that is not larger.
    if (kafkaErrorType(err) === 'INVALID_PARTITIONS') return false;
    throw err;
  }
}
