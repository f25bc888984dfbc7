import type { Admin, Producer } from 'kafkajs';
import { createKafka, parseOffset, summarizeLag, type KafkaConfig } from '@lagscale/kafka-core';
import { testKafkaConfig, waitForGroupJoin, type TestKafka } from '@lagscale/kafka-core/testing';
import type { Snapshot } from '../src/model/index.js';

/** Few, short retries, as the lag-monitor runs its admin: the collector bounds each cycle anyway. */
export const collectorRetry = { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 1_000 } as const;

/** A connected admin client of the collector's own, apart from the one the test reads with. */
export async function connectedAdmin(overrides: Partial<KafkaConfig> = {}): Promise<Admin> {
  const admin = createKafka(testKafkaConfig({ retry: collectorRetry, ...overrides })).admin();
  await admin.connect();
  return admin;
}

/** Sends `counts[p]` small records to partition p. */
export async function produceCounts(producer: Producer, topic: string, counts: readonly number[]): Promise<void> {
  await producer.send({
    topic,
    messages: counts.flatMap((count, partition) => Array.from({ length: count }, (_, i) => ({ partition, value: `p${partition}-${i}` }))),
  });
}

/**
 * Commits, as `groupId`, `offsets[p]` for partition p of each topic (undefined: no commit there),
 * then leaves the group. A member joins for it: kafkajs's admin `setOffsets` waits out a 5 s fetch
 * per call. The consumer neither resolves nor commits anything of its own.
 */
export async function commitAsGroup(t: TestKafka, groupId: string, offsetsByTopic: Record<string, ReadonlyArray<number | undefined>>): Promise<void> {
  const consumer = t.consumer({ groupId });
  await consumer.connect();
  try {
    for (const topic of Object.keys(offsetsByTopic)) await consumer.subscribe({ topic });
    const joined = waitForGroupJoin(consumer);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    await consumer.commitOffsets(
      Object.entries(offsetsByTopic).flatMap(([topic, offsets]) =>
        offsets.flatMap((offset, partition) => (offset === undefined ? [] : [{ topic, partition, offset: String(offset) }])),
      ),
    );
  } finally {
    await consumer.disconnect();
  }
}

export interface ExpectedPartitionLag {
  partition: number;
  committed: number | null;
  lag: number;
}

/**
 * The lag of a group on a topic read straight through the admin API, apart from the collector:
 * end − committed per partition, or end − start where the group never committed.
 */
export async function independentLag(admin: Admin, groupId: string, topic: string): Promise<ExpectedPartitionLag[]> {
  const [logOffsets, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  return logOffsets
    .map(({ partition, high, low }) => {
      const raw = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      const offset = parseOffset(raw);
      const end = Number(high);
      return { partition, committed: offset, lag: offset === null ? end - Number(low) : Math.max(0, end - offset) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** Per-partition lag of a group on a topic as the collector's snapshot gives it (no-commit rule: earliest). */
export function collectedLag(snapshot: Snapshot, groupId: string, topic: string): ExpectedPartitionLag[] | undefined {
  const partitions = snapshot.groups.find((g) => g.groupId === groupId)?.topics.find((t) => t.topic === topic)?.partitions;
  if (partitions === undefined) return undefined;
  return summarizeLag(partitions, 'earliest').partitions.map(({ partition, committed, lag }) => ({ partition, committed, lag }));
}

/** Group id → the topics the snapshot watches it on. */
export function topicsByGroup(snapshot: Snapshot): Record<string, string[]> {
  return Object.fromEntries(snapshot.groups.map((g) => [g.groupId, g.topics.map((t) => t.topic)]));
}
