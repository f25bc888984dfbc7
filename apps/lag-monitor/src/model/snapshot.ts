import type { ErrorCode, GroupState, PartitionOffsetsInput } from '@lagscale/kafka-core';

/** Log start and end offsets of one topic, read once per cycle and shared by every group. */
export interface TopicSnapshot {
  topic: string;
  partitions: { partition: number; start: number; end: number }[];
}

/** One topic's partitions, log starts and ends as columns, partitions ascending. */
export interface TopicColumns {
  partition: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

/** One group on one topic as columns: the topic's (shared by every group read on it) and the group's commits. */
export interface GroupTopicColumns {
  offsets: TopicColumns;
  /** The group's commit on each of `offsets`' partitions, same order; NaN where it never committed. */
  committed: Float64Array;
}

/** One group on one topic: the input of the lag maths (committed null = never committed). */
export interface GroupTopicSnapshot {
  topic: string;
  /**
   * Per partition, ascending. The collector's snapshots build these objects each time they are
   * read (an enumerable getter, so spreads, JSON and deep equality see them); derive reads
   * `columns` instead: at 250,000 group-partitions a cycle they were most of the heap.
   */
  partitions: PartitionOffsetsInput[];
  /** The same offsets as columns, on the collector's snapshots (not enumerable: a spread drops them). */
  readonly columns?: GroupTopicColumns;
}

export interface GroupSnapshot {
  groupId: string;
  state: GroupState;
  members: number;
  /** Topics the group is watched on: committed on, assigned, or configured. Sorted by name. */
  topics: GroupTopicSnapshot[];
}

export const COLLECTION_SCOPES = ['broker', 'group', 'topic'] as const;
export type CollectionScope = (typeof COLLECTION_SCOPES)[number];

/** Something a cycle could not read. A broker-scope error means the whole snapshot is unusable. */
export interface CollectionError {
  scope: CollectionScope;
  groupId?: string;
  topic?: string;
  code: ErrorCode;
  message: string;
}

/** Everything one collection cycle read, with one shared admin client. */
export interface Snapshot {
  /** Wall-clock time (ms since epoch) the cycle started. */
  atMs: number;
  durationMs: number;
  /** False when the broker could not be reached (scope 'broker' error): derive and decide must hold. */
  ok: boolean;
  /** Every topic read this cycle, each group's topics included (derive reads end offsets from here only). */
  topics: TopicSnapshot[];
  groups: GroupSnapshot[];
  errors: CollectionError[];
}
