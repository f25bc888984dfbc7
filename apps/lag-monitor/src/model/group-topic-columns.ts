import type { PartitionOffsetsInput } from '@lagscale/kafka-core';
import type { GroupTopicColumns, GroupTopicSnapshot, TopicColumns } from './snapshot.js';

/** A topic's offsets as columns, partitions ascending. */
export function topicColumns(partitions: readonly { partition: number; start: number; end: number }[]): TopicColumns {
  const order = ascendingOrder(partitions.map((p) => p.partition));
  const columns = { partition: new Int32Array(partitions.length), start: new Float64Array(partitions.length), end: new Float64Array(partitions.length) };
  for (let k = 0; k < partitions.length; k += 1) {
    const p = partitions[order === undefined ? k : (order[k] as number)] as (typeof partitions)[number];
    columns.partition[k] = p.partition;
    columns.start[k] = p.start;
    columns.end[k] = p.end;
  }
  return columns;
}

/** Indexes of `partitions` in ascending order, or undefined when they are ascending already (as readers return them). */
export function ascendingOrder(partitions: ArrayLike<number>): number[] | undefined {
  for (let i = 1; i < partitions.length; i += 1) {
    if ((partitions[i] as number) < (partitions[i - 1] as number)) {
      return Array.from({ length: partitions.length }, (_, k) => k).sort((a, b) => (partitions[a] as number) - (partitions[b] as number));
    }
  }
  return undefined;
}

/**
 * A group-topic snapshot kept as columns: `partitions` is built when read (an enumerable getter,
 * as views do), `columns` is not enumerable, so `{ ...gt, partitions: other }` is a plain snapshot
 * of `other`, not one whose columns disagree with it.
 */
export function columnGroupTopic(topic: string, columns: GroupTopicColumns): GroupTopicSnapshot {
  const snapshot = { topic } as GroupTopicSnapshot;
  Object.defineProperty(snapshot, 'columns', { value: columns, enumerable: false });
  // One getter for all, reading `this`: a closure per object would put each in dictionary mode.
  Object.defineProperty(snapshot, 'partitions', { get: partitionObjects, enumerable: true });
  return snapshot;
}

function partitionObjects(this: GroupTopicSnapshot): PartitionOffsetsInput[] {
  const { offsets, committed } = this.columns as GroupTopicColumns;
  return Array.from(offsets.partition, (partition, i) => {
    const c = committed[i] as number;
    return { partition, start: offsets.start[i] as number, end: offsets.end[i] as number, committed: Number.isNaN(c) ? null : c };
  });
}

/** The columns of a group-topic snapshot: the collector's as they are, a hand-built one's (specs, benches) from its objects. */
export function groupTopicColumns(snapshot: GroupTopicSnapshot): GroupTopicColumns {
  if (snapshot.columns !== undefined) return snapshot.columns;
  const partitions = snapshot.partitions;
  const order = ascendingOrder(partitions.map((p) => p.partition));
  const sorted = order === undefined ? partitions : order.map((i) => partitions[i] as PartitionOffsetsInput);
  return { offsets: topicColumns(sorted), committed: Float64Array.from(sorted, (p) => p.committed ?? Number.NaN) };
}

/** How many partitions a group-topic snapshot has, without building anything. */
export function groupTopicPartitionCount(snapshot: GroupTopicSnapshot): number {
  return snapshot.columns?.committed.length ?? snapshot.partitions.length;
}
