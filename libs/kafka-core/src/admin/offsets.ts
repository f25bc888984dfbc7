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

/**
 * One group's commits on one topic as columns, partitions ascending; `committed` is NaN where it
 * never committed. Plain arrays: a typed array this small is a malloc'd buffer of its own.
 */
export interface CommittedColumns {
  partitions: number[];
  committed: number[];
}

/** kafkajs's OffsetFetch answer for a group, by topic; no topics named reads every topic it committed on. */
async function readCommits(admin: Admin, groupId: string, topics: readonly string[]) {
  try {
    return await admin.fetchOffsets({ groupId, topics: [...topics] });
  } catch (err) {
    throw fromKafkaError(err, { action: `fetch committed offsets of group ${groupId}` });
  }
}

/** A group's committed offsets on the given topics; partitions it never committed give null. */
export async function fetchCommittedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, CommittedOffset[]>> {
  const byTopic = new Map<string, CommittedOffset[]>();
  for (const t of await readCommits(admin, groupId, topics)) {
    byTopic.set(
      t.topic,
      t.partitions.map((p) => ({ partition: p.partition, committed: parseOffset(p.offset) })).sort((a, b) => a.partition - b.partition),
    );
  }
  return byTopic;
}

/**
 * fetchCommittedOffsets as columns, for a reader of many groups at once: kafkajs's objects for
 * each partition are dropped as soon as one group's answer is read, so they die young instead of
 * living (and being promoted) while the other groups' answers are awaited.
 */
export async function fetchCommittedOffsetColumns(admin: Admin, groupId: string, topics: readonly string[]): Promise<Map<string, CommittedColumns>> {
  const byTopic = new Map<string, CommittedColumns>();
  for (const t of await readCommits(admin, groupId, topics)) {
    const unsorted = t.partitions.some((p, i) => i > 0 && p.partition < (t.partitions[i - 1] as { partition: number }).partition);
    const sorted = unsorted ? [...t.partitions].sort((a, b) => a.partition - b.partition) : t.partitions;
    const partitions: number[] = [];
    const committed: number[] = [];
    for (const p of sorted) {
      partitions.push(p.partition);
      committed.push(parseOffset(p.offset) ?? Number.NaN);
    }
    byTopic.set(t.topic, { partitions, committed });
  }
  return byTopic;
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
