import { AppError } from '../errors/app-error.js';

/** What a group with no committed offset does when it starts: Kafka's `auto.offset.reset`. */
export const OFFSET_RESET_POLICIES = ['earliest', 'latest'] as const;
export type OffsetResetPolicy = (typeof OFFSET_RESET_POLICIES)[number];

export interface PartitionOffsetsInput {
  partition: number;
  /** Log start offset: the oldest offset still on the broker. */
  start: number;
  /** Log end offset (high watermark): the offset the next record will get. */
  end: number;
  /** The group's committed offset (next to read), or null when it never committed. */
  committed: number | null;
}

export interface PartitionLag extends PartitionOffsetsInput {
  lag: number;
  hasCommit: boolean;
  /** A commit below the log start (retention deleted unread records) or above the end. */
  commitOutOfRange: boolean;
}

export interface LagSummary {
  totalLag: number;
  partitions: PartitionLag[];
  /** Partitions counted under the no-commit rule; reported in their own gauge, never as −1. */
  uncommittedPartitions: number;
  partitionsWithLag: number;
}

/**
 * Lag of one partition: `max(0, end − committed)`. With no commit the lag is what the group
 * will read when it starts: from the log start for `earliest` (not 0: retention may have
 * deleted the head), nothing for `latest`.
 */
export function partitionLag(input: PartitionOffsetsInput, reset: OffsetResetPolicy): PartitionLag {
  const { partition, start, end, committed } = input;
  // Fields named, not spread: an object spread costs several times more, and callers run this
  // for many partitions at once.
  if (committed === null) return { partition, start, end, committed, lag: lagOf(start, end, Number.NaN, reset), hasCommit: false, commitOutOfRange: false };
  return { partition, start, end, committed, lag: lagOf(start, end, committed, reset), hasCommit: true, commitOutOfRange: committed < start || committed > end };
}

/**
 * partitionLag's lag from bare numbers, for offsets kept in columns (lag-monitor reads 250,000
 * group-partitions a cycle at 5,000 partitions × 50 groups, with no object per partition):
 * `committed` NaN means the group never committed.
 */
export function lagOf(start: number, end: number, committed: number, reset: OffsetResetPolicy): number {
  if (Number.isNaN(committed)) return reset === 'earliest' ? Math.max(0, end - start) : 0;
  return Math.max(0, end - committed);
}

/** Per-partition lag and totals for one group on one topic, partitions in ascending order. */
export function summarizeLag(inputs: readonly PartitionOffsetsInput[], reset: OffsetResetPolicy): LagSummary {
  const partitions = inputs.map((input) => partitionLag(input, reset));
  // Usually sorted already (snapshots are): sort only when not.
  for (let i = 1; i < partitions.length; i += 1) {
    if ((partitions[i] as PartitionLag).partition < (partitions[i - 1] as PartitionLag).partition) {
      partitions.sort((a, b) => a.partition - b.partition);
      break;
    }
  }
  let totalLag = 0;
  let uncommittedPartitions = 0;
  let partitionsWithLag = 0;
  for (const p of partitions) {
    totalLag += p.lag;
    if (!p.hasCommit) uncommittedPartitions += 1;
    if (p.lag > 0) partitionsWithLag += 1;
  }
  return { totalLag, partitions, uncommittedPartitions, partitionsWithLag };
}

/**
 * Parses a Kafka offset as kafkajs returns it (a decimal string). `-1` means "none" → null.
 * Offsets are int64 on the wire; we keep them as numbers, exact up to 2^53 (9·10^15 records).
 */
export function parseOffset(raw: string | number): number | null {
  const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < -1) {
    throw new AppError('OFFSET_INVALID', `not a valid Kafka offset: "${raw}"`, { retriable: false });
  }
  return value === -1 ? null : value;
}
