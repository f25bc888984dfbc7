import type { Admin } from 'kafkajs';
import { AppError, awaitTopic, formatDuration, topicPartitionCount, type Logger } from '@lagscale/kafka-core';

/** Waiting for the input topic to be created: how often the topic list is read. */
const TOPIC_WAIT_POLL_MS = 1_000;

export interface InputTopicWait {
  /** How long to wait for a topic not created yet (`CONSUMER_TOPIC_WAIT_MS`); 0: fail at once. */
  waitMs: number;
  /** A stop ends the wait. */
  signal: AbortSignal;
  logger: Logger;
  /** Told when the wait starts and ends (readiness says what it waits for). */
  onWaiting: (waiting: boolean) => void;
}

/**
 * The partition count of the input topic. A worker started before its topic exists (deployed
 * before the producer made it) waits for it, bounded by `waitMs`, saying what it waits for;
 * past that it fails with TOPIC_NOT_FOUND and the fix. Undefined when a stop ended the wait.
 */
export async function inputTopicPartitions(admin: Admin, topic: string, wait: InputTopicWait): Promise<number | undefined> {
  const existing = await topicPartitionCount(admin, topic);
  if (existing !== undefined) return existing;
  const notFound = (waited: string) =>
    new AppError(
      'TOPIC_NOT_FOUND',
      `topic ${topic} (--topic / CONSUMER_TOPIC) does not exist${waited}: create it (producer-gen run --topic ${topic} --partitions N creates it) or correct the name; --topic-wait-ms / CONSUMER_TOPIC_WAIT_MS sets how long a worker waits for it`,
      { retriable: false },
    );
  if (wait.waitMs === 0) throw notFound('');
  wait.onWaiting(true);
  wait.logger.info({ topic, waitMs: wait.waitMs }, `topic ${topic} does not exist yet: waiting up to ${formatDuration(wait.waitMs)} for it to be created (--topic-wait-ms); not ready until then`);
  try {
    const partitions = await awaitTopic(admin, topic, { timeoutMs: wait.waitMs, intervalMs: TOPIC_WAIT_POLL_MS, signal: wait.signal });
    if (wait.signal.aborted) return undefined;
    if (partitions === undefined) throw notFound(` after waiting ${formatDuration(wait.waitMs)}`);
    wait.logger.info({ topic, partitions }, `topic ${topic} exists now (${partitions} partitions): joining the group`);
    return partitions;
  } finally {
    wait.onWaiting(false);
  }
}
