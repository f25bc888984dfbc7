import type { Admin } from 'kafkajs';
import { describeGroup, fetchCommittedOffsets, fetchPartitionOffsets, type GroupMember, type GroupState } from '@lagscale/kafka-core/admin';
import { AppError, fromKafkaError } from '@lagscale/kafka-core/errors';
import { missingPartitions, planReset, type PartitionOffsets, type PartitionReset, type PartitionSelection, type ResetSpec } from './reset-plan.js';

export interface OffsetsRequest {
  groupId: string;
  /** Topics (and partitions) to show or reset; empty with `allTopics`: every topic the group committed on. */
  selection: PartitionSelection;
  allTopics: boolean;
  /** null: show the offsets, change nothing. */
  spec: ResetSpec | null;
  execute: boolean;
}

export interface OffsetsReport {
  groupId: string;
  state: GroupState;
  members: GroupMember[];
  spec: ResetSpec | null;
  /** With no spec, target = current (or the log end for a partition never committed). */
  partitions: PartitionReset[];
  executed: boolean;
}

/** How to name the members that keep a reset from running: client id, host and member id. */
export function describeMembers(members: readonly GroupMember[]): string {
  return members.map((m) => `${m.clientId}@${m.clientHost.replace(/^\//, '')} (${m.memberId})`).join(', ');
}

function activeGroupError(groupId: string, state: GroupState, members: readonly GroupMember[], cause?: unknown): AppError {
  const who = members.length > 0 ? `${members.length} member(s): ${describeMembers(members)}` : 'members joining';
  return new AppError(
    'GROUP_ACTIVE',
    `group ${groupId} is ${state} with ${who}; offsets can only be reset while no consumer of the group runs: stop (or scale to 0) its consumers and retry`,
    { retriable: false, cause, details: { groupId, state, members } },
  );
}

async function topicsToCover(admin: Admin, request: OffsetsRequest): Promise<string[]> {
  const named = [...request.selection.keys()];
  if (!request.allTopics) return named;
  try {
    const committed = await admin.fetchOffsets({ groupId: request.groupId });
    return [...new Set([...named, ...committed.map((t) => t.topic)])].sort();
  } catch (err) {
    throw fromKafkaError(err, { action: `list the topics group ${request.groupId} committed on` });
  }
}

async function offsetsForTime(admin: Admin, topic: string, timestampMs: number): Promise<Map<number, number | null>> {
  const [byTime, bounds] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, timestampMs), fetchPartitionOffsets(admin, topic)]);
  const ends = new Map(bounds.map((b) => [b.partition, b.end]));
  // kafkajs answers "no record that recent" with the log end itself; kept as null (→ end) alike.
  return new Map(byTime.map((o) => [o.partition, Number(o.offset) >= 0 && Number(o.offset) !== ends.get(o.partition) ? Number(o.offset) : null]));
}

/** Offsets of the chosen partitions: log bounds, committed offset, and the time lookup if asked. */
async function gather(admin: Admin, request: OffsetsRequest, topics: readonly string[]): Promise<PartitionOffsets[]> {
  const bounds = await Promise.all(topics.map(async (topic) => [topic, await fetchPartitionOffsets(admin, topic)] as const));
  const missing = missingPartitions(request.selection, new Map(bounds.map(([topic, offsets]) => [topic, offsets.map((o) => o.partition)])));
  if (missing.length > 0) throw new AppError('OFFSET_INVALID', `no such partition: ${missing.join(', ')}`, { retriable: false });
  const committed = await fetchCommittedOffsets(admin, request.groupId, topics);
  const spec = request.spec;
  const timeLookups = spec?.kind === 'datetime' ? new Map(await Promise.all(topics.map(async (t) => [t, await offsetsForTime(admin, t, spec.timestampMs)] as const))) : undefined;
  return bounds.flatMap(([topic, offsets]) => {
    const chosen = request.selection.get(topic) ?? null;
    const committedHere = new Map((committed.get(topic) ?? []).map((c) => [c.partition, c.committed]));
    return offsets
      .filter((o) => chosen === null || chosen.includes(o.partition))
      .map((o) => ({
        topic,
        partition: o.partition,
        start: o.start,
        end: o.end,
        committed: committedHere.get(o.partition) ?? null,
        ...(timeLookups ? { offsetForTime: timeLookups.get(topic)?.get(o.partition) ?? null } : {}),
      }));
  });
}

async function commit(admin: Admin, groupId: string, partitions: readonly PartitionReset[]): Promise<void> {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const p of partitions) {
    const list = byTopic.get(p.topic) ?? [];
    list.push({ partition: p.partition, offset: String(p.target) });
    byTopic.set(p.topic, list);
  }
  await admin.commitGroupOffsets({ groupId, topics: [...byTopic].map(([topic, list]) => ({ topic, partitions: list })) });
}

/**
 * Shows a group's offsets, or plans a reset and, with `execute`, applies it. A reset is refused
 * while the group has members (their next commit would undo it, and the broker refuses a commit
 * from outside a live generation anyway); the dry run shows the plan regardless.
 */
export async function groupOffsets(admin: Admin, request: OffsetsRequest): Promise<OffsetsReport> {
  const group = await describeGroup(admin, request.groupId);
  const topics = await topicsToCover(admin, request);
  if (topics.length === 0) {
    throw new AppError(
      'OFFSET_INVALID',
      request.allTopics ? `group ${request.groupId} has committed on no topic: name one with --topic` : 'name the topic(s) with --topic (or --all-topics for every topic the group committed on)',
      { retriable: false },
    );
  }
  const offsets = await gather(admin, request, topics);
  const partitions = request.spec === null ? offsets.map(showOnly) : planReset(offsets, request.spec);
  const report: OffsetsReport = { groupId: request.groupId, state: group.state, members: group.members, spec: request.spec, partitions, executed: false };
  if (request.spec === null || !request.execute) return report;
  if (group.members.length > 0) throw activeGroupError(request.groupId, group.state, group.members);
  try {
    await commit(admin, request.groupId, partitions);
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'UNKNOWN_MEMBER_ID' || type === 'ILLEGAL_GENERATION' || type === 'REBALANCE_IN_PROGRESS') {
      const now = await describeGroup(admin, request.groupId);
      throw activeGroupError(request.groupId, now.state, now.members, err);
    }
    throw fromKafkaError(err, { action: `commit the new offsets of group ${request.groupId}` });
  }
  return { ...report, executed: true };
}

function showOnly(p: PartitionOffsets): PartitionReset {
  const target = p.committed ?? p.end;
  return { topic: p.topic, partition: p.partition, start: p.start, end: p.end, current: p.committed, target, reprocess: 0, skip: 0, lagAfter: p.end - target };
}
