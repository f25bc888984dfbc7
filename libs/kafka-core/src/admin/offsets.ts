import type { Admin } from 'kafkajs';
import { fromKafkaError } from '../errors/kafka-errors.js';
import { parseOffset, type PartitionOffsetsInput } from '../lag/lag.js';

export interface TopicPartitionOffsets {
  partition: number;
  start: number;
  end: number;
}

export interface CommittedOffset {
  partition: number;
  /** Next offset the group will read, or null when it never committed on this partition. */
  committed: number | null;
}

function requireOffset(raw: string, what: string): number {
  const value = parseOffset(raw);
  if (value === null) throw new Error(`broker returned no ${what} offset`);
  return value;
}

/** Log start and end offsets of every partition of a topic, by partition. */
export async function fetchPartitionOffsets(admin: Admin, topic: string): Promise<TopicPartitionOffsets[]> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets
      .map((o) => ({ partition: o.partition, start: requireOffset(o.low, 'start'), end: requireOffset(o.high, 'end') }))
      .sort((a, b) => a.partition - b.partition);
  } catch (err) {
    throw fromKafkaError(err, { action: `fetch offsets of ${topic}` });
  }
}

/**
 * Log start and end offsets of several topics at once, by topic then partition: one ListOffsets
 * per leader broker for each end (the fork's `admin.fetchTopicsOffsets`) instead of two per
 * topic. One topic the broker refuses (deleted meanwhile) fails the whole call: read topics one by
 * one with fetchPartitionOffsets to tell which.
 */
export async function fetchTopicsPartitionOffsets(admin: Admin, topics: readonly string[]): Promise<Map<string, TopicPartitionOffsets[]>> {
  try {
    const result = await admin.fetchTopicsOffsets([...topics]);
    const byTopic = new Map<string, TopicPartitionOffsets[]>();
    for (const { topic, partitions } of result) {
      byTopic.set(
        topic,
        partitions.map((o) => ({ partition: o.partition, start: requireOffset(o.low, 'start'), end: requireOffset(o.high, 'end') })).sort((a, b) => a.partition - b.partition),
      );
    }
    return byTopic;
  } catch (err) {
    throw fromKafkaError(err, { action: `fetch offsets of ${topics.length} topics` });
  }
}

/** A group's committed offsets on the given topics; partitions it never committed give null. */
export async function fetchCommittedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, CommittedOffset[]>> {
  try {
    const result = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const byTopic = new Map<string, CommittedOffset[]>();
    for (const t of result) {
      byTopic.set(
        t.topic,
        t.partitions
          .map((p) => ({ partition: p.partition, committed: parseOffset(p.offset) }))
          .sort((a, b) => a.partition - b.partition),
      );
    }
    return byTopic;
  } catch (err) {
    throw fromKafkaError(err, { action: `fetch committed offsets of group ${groupId}` });
  }
}

/** Start, end and committed offsets of one group on one topic: the input of the lag maths. */
export async function fetchGroupTopicOffsets(admin: Admin, groupId: string, topic: string): Promise<PartitionOffsetsInput[]> {
  const [partitions, committed] = await Promise.all([
    fetchPartitionOffsets(admin, topic),
    fetchCommittedOffsets(admin, groupId, [topic]),
  ]);
  const committedByPartition = new Map((committed.get(topic) ?? []).map((c) => [c.partition, c.committed]));
  return partitions.map((p) => ({ ...p, committed: committedByPartition.get(p.partition) ?? null }));
}
