import type { Admin, Producer } from 'kafkajs';
import { createKafka, parseOffset, summarizeLag, type KafkaConfig } from '@lagscale/kafka-core';
import { testKafkaConfig } from '@lagscale/kafka-core/testing';
import { monitorAdminRetry } from '../src/collect/index.js';
import type { Snapshot } from '../src/model/index.js';

/** A connected admin client of the collector's own (the monitor's retries), apart from the one the test reads with. */
export async function connectedAdmin(overrides: Partial<KafkaConfig> = {}): Promise<Admin> {
  const admin = createKafka(testKafkaConfig({ retry: monitorAdminRetry, ...overrides })).admin();
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
