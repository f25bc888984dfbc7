import { float64Slabs } from '../model/float64-slabs.js';
import { ascendingOrder, columnGroupTopic, topicColumns } from '../model/group-topic-columns.js';
import {
  COLLECTION_SCOPES,
  type CollectionError,
  type GroupSnapshot,
  type GroupTopicSnapshot,
  type Snapshot,
  type TopicColumns,
  type TopicSnapshot,
} from '../model/snapshot.js';
import type { AppError, CommittedColumns, GroupDescription, TopicPartitionOffsets } from '@lagscale/kafka-core';

/** The outcome of one admin request: what it read, or why it could not. */
export type Reading<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Everything one cycle read, before it is put together. */
export interface CycleReadings {
  /** Every group watched this cycle: the named ones and those matching the pattern. */
  groupIds: readonly string[];
  /** Groups named in the options: the broker not knowing one of them is an error. */
  namedGroups: ReadonlySet<string>;
  configuredTopics: readonly string[];
  descriptions: Reading<readonly GroupDescription[]>;
  /** Per group: its committed offsets by topic (only partitions it committed on), as columns. */
  committed: ReadonlyMap<string, Reading<ReadonlyMap<string, CommittedColumns>>>;
  /** Per topic that exists: its log start and end offsets. */
  topicOffsets: ReadonlyMap<string, Reading<readonly TopicPartitionOffsets[]>>;
  /** Topics a group or the options asked for that the cluster does not have (not requested). */
  missingTopics: ReadonlySet<string>;
}

export type SnapshotBody = Pick<Snapshot, 'ok' | 'topics' | 'groups' | 'errors'>;

/** A cycle that could read nothing usable. */
export function failedSnapshotBody(error: Pick<AppError, 'code' | 'message'>): SnapshotBody {
  return { ok: false, topics: [], groups: [], errors: [{ scope: 'broker', code: error.code, message: error.message }] };
}

const NO_COMMITS: CommittedColumns = { partitions: [], committed: [] };

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Topics a group is watched on: committed on, assigned to a member, or configured. Sorted. */
export function groupTopicNames(
  description: GroupDescription | undefined,
  committedTopics: Iterable<string>,
  configuredTopics: readonly string[],
): string[] {
  const names = new Set<string>([...committedTopics, ...configuredTopics]);
  for (const member of description?.members ?? []) for (const topic of Object.keys(member.assignment)) names.add(topic);
  return [...names].sort(byName);
}

/**
 * The lag-maths input of one group on one topic: the topic's partitions, each with the group's
 * commit or NaN. Columns, not an object per partition: at 250,000 group-partitions a cycle those
 * objects (and the readers' before them) were most of the JavaScript heap, promoted while the
 * other groups were read (decision 0025).
 */
export function mergeCommitted(
  topic: string,
  offsets: TopicColumns,
  commits: CommittedColumns,
  committed: Float64Array = new Float64Array(offsets.partition.length),
): GroupTopicSnapshot {
  const sorted = ascendingCommits(commits);
  committed.fill(Number.NaN);
  let j = 0;
  for (let i = 0; i < committed.length; i += 1) {
    const partition = offsets.partition[i] as number;
    while (j < sorted.partitions.length && (sorted.partitions[j] as number) < partition) j += 1;
    if (sorted.partitions[j] === partition) committed[i] = sorted.committed[j] as number;
  }
  return columnGroupTopic(topic, { offsets, committed });
}

/** The readers return commits sorted by partition; sorted here otherwise. */
function ascendingCommits(commits: CommittedColumns): CommittedColumns {
  const order = ascendingOrder(commits.partitions);
  if (order === undefined) return commits;
  return { partitions: order.map((i) => commits.partitions[i] as number), committed: order.map((i) => commits.committed[i] as number) };
}

function compareErrors(a: CollectionError, b: CollectionError): number {
  return (
    COLLECTION_SCOPES.indexOf(a.scope) - COLLECTION_SCOPES.indexOf(b.scope) ||
    byName(a.groupId ?? '', b.groupId ?? '') ||
    byName(a.topic ?? '', b.topic ?? '') ||
    byName(a.code, b.code)
  );
}

/**
 * An unreachable broker behind any request makes the whole snapshot unusable (a group missing a
 * topic would look like less lag): one broker-scope error stands for all of them.
 */
function withBrokerVerdict(body: SnapshotBody): SnapshotBody {
  const unreachable = body.errors.find((e) => e.code === 'BROKER_UNREACHABLE');
  const errors = unreachable === undefined
    ? body.errors
    : [{ scope: 'broker' as const, code: unreachable.code, message: unreachable.message }, ...body.errors.filter((e) => e.code !== 'BROKER_UNREACHABLE')];
  return { ...body, ok: !errors.some((e) => e.scope === 'broker'), errors: errors.sort(compareErrors) };
}

/**
 * Puts one cycle's readings together, sorted (groups by id, topics by name, partitions by
 * number). A topic that is missing or could not be read is a topic-scope error and is left out
 * of every group; a group whose commits could not be read is listed without topics.
 */
export function assembleSnapshot(r: CycleReadings): SnapshotBody {
  if (!r.descriptions.ok) return withBrokerVerdict(failedSnapshotBody(r.descriptions.error));
  const errors: CollectionError[] = [];

  const topics = new Map<string, TopicSnapshot>();
  const columns = new Map<string, TopicColumns>();
  for (const [topic, reading] of r.topicOffsets) {
    if (reading.ok) {
      const partitions = [...reading.value].sort((a, b) => a.partition - b.partition);
      topics.set(topic, { topic, partitions });
      columns.set(topic, topicColumns(partitions));
    } else {
      errors.push({ scope: 'topic', topic, code: reading.error.code, message: reading.error.message });
    }
  }
  for (const topic of r.missingTopics) {
    errors.push({ scope: 'topic', topic, code: 'TOPIC_NOT_FOUND', message: `topic ${topic} does not exist` });
  }

  const descriptions = new Map(r.descriptions.value.map((d) => [d.groupId, d]));
  const groups: GroupSnapshot[] = [];
  // Every group-topic's commit column cut from 64 KB slabs: 12,500 small typed arrays a cycle
  // would each be a malloc'd buffer of their own (float64-slabs.ts).
  const rows = float64Slabs();
  for (const groupId of [...new Set(r.groupIds)].sort(byName)) {
    const description = descriptions.get(groupId);
    const group: GroupSnapshot = { groupId, state: description?.state ?? 'Unknown', members: description?.members.length ?? 0, topics: [] };
    groups.push(group);
    const committed = r.committed.get(groupId);
    if (committed === undefined) continue;
    if (!committed.ok) {
      errors.push({ scope: 'group', groupId, code: committed.error.code, message: committed.error.message });
      continue;
    }
    if (r.namedGroups.has(groupId) && group.state === 'Dead' && group.members === 0 && committed.value.size === 0) {
      // Configured topics do not make a group real: a misspelt id would otherwise show the whole
      // backlog of its topics as lag. The group stays `Unknown` and its configured topics are
      // kept only for the scaling policy, which may scale a group before its first replica runs;
      // /status and /metrics report no lag for it (see isUnknownGroup).
      group.state = 'Unknown';
      const topicsNote = r.configuredTopics.length === 0 ? '' : ` (its configured topics give it no lag until it exists)`;
      errors.push({
        scope: 'group',
        groupId,
        code: 'GROUP_NOT_FOUND',
        message: `group ${groupId} is not known to the broker: no members and no committed offsets${topicsNote}; check the group id, or start a consumer of it`,
      });
    }
    for (const name of groupTopicNames(description, committed.value.keys(), r.configuredTopics)) {
      const offsets = columns.get(name);
      if (offsets !== undefined) group.topics.push(mergeCommitted(name, offsets, committed.value.get(name) ?? NO_COMMITS, rows(offsets.partition.length)));
    }
  }

  const sortedTopics = [...topics.values()].sort((a, b) => byName(a.topic, b.topic));
  return withBrokerVerdict({ ok: true, topics: sortedTopics, groups, errors });
}
