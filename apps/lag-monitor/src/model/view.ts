import type { GroupState } from '@lagscale/kafka-core';
import type { TopicColumns } from './snapshot.js';

/** Burrow-style verdicts, worst last. */
export const HEALTH_STATES = ['OK', 'WARN', 'STALL', 'STOP'] as const;
export type Health = (typeof HEALTH_STATES)[number];

/** What derive() makes of one partition of one group, from the snapshots in its window. */
export interface PartitionView {
  partition: number;
  start: number;
  end: number;
  committed: number | null;
  hasCommit: boolean;
  lag: number;
  /** Records/s appended to the partition (smoothed over the window). */
  productionRate: number;
  /** Records/s the group committed past (smoothed over the window). */
  consumptionRate: number;
  /** lag / consumption rate; null when there is lag and nothing is being consumed (never drains). 0 without lag. */
  timeToDrainSeconds: number | null;
  /** Age of the oldest unconsumed record, from the end-offset history; 0 without lag. */
  timeLagSeconds: number;
  health: Health;
  /** Why the verdict: e.g. "committed offset 120 unchanged for 30 s with lag 4000". */
  healthReason: string;
}

/**
 * The partitions of one group on one topic as one column block: partition i's quantities are
 * `values[i * PARTITION_FIELD_COUNT + PARTITION_FIELD.x]` (derive/partition-figures.ts). At
 * 250,000 group-partitions an object and a reason string per partition cost ~100 MB per cycle.
 * What belongs to the topic's partition, not to the group (number, start, end, production rate),
 * is held once per topic and shared by every group's figures (8 MB less a cycle at that size).
 */
export interface PartitionFigures {
  count: number;
  values: Float64Array;
  /** The topic's partitions, log starts and ends, in the rows' order. */
  offsets: TopicColumns;
  /** Each of those partitions' production rate (records/s). */
  productionRates: Float64Array;
  /** What the health reasons are worded against. */
  minSamples: number;
  windowMs: number;
}

/** One group on one topic. */
export interface GroupTopicView {
  groupId: string;
  topic: string;
  state: GroupState;
  members: number;
  partitionCount: number;
  totalLag: number;
  partitionsWithLag: number;
  uncommittedPartitions: number;
  productionRate: number;
  consumptionRate: number;
  timeToDrainSeconds: number | null;
  /** Largest partition time lag. */
  maxTimeLagSeconds: number;
  /** Worst partition verdict. */
  health: Health;
  /**
   * One object per partition. derive() makes this a getter that builds them from `figures` on
   * each read: read it once per use, and render many series from `figures` instead.
   */
  partitions: PartitionView[];
  /** The partitions as columns; set by derive() (not enumerable), absent on views built by hand. */
  figures?: PartitionFigures;
}
