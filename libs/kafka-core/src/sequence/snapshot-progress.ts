import type { TopicPartitionOffsets } from '../admin/offsets.js';

/** How far a reader got in one partition of a snapshot. */
export interface PartitionPosition extends TopicPartitionOffsets {
  /** Next offset to read; the partition is finished when it reaches `end`. */
  position: number;
}

/**
 * Tracks a read of a topic up to end offsets fixed in advance: which records belong to the
 * snapshot and when every partition is finished. Empty partitions (start = end) are finished
 * from the outset; a log start above 0 (retention) is where reading begins.
 */
export class SnapshotProgress {
  private readonly partitions = new Map<number, PartitionPosition>();
  private unfinished = 0;

  constructor(offsets: readonly TopicPartitionOffsets[]) {
    for (const { partition, start, end } of offsets) {
      this.partitions.set(partition, { partition, start, end, position: start });
      if (start < end) this.unfinished += 1;
    }
  }

  get done(): boolean {
    return this.unfinished === 0;
  }

  /** Records in the snapshot: an upper bound, as transaction markers take offsets too. */
  get records(): number {
    let total = 0;
    for (const p of this.partitions.values()) total += p.end - p.start;
    return total;
  }

  /** Position of a partition in the snapshot; undefined for partitions added after it. */
  get(partition: number): Readonly<PartitionPosition> | undefined {
    return this.partitions.get(partition);
  }

  /** Moves a partition's position forward to `next` (never back, never past its end). */
  advance(partition: number, next: number): void {
    const p = this.partitions.get(partition);
    if (p === undefined || next <= p.position || p.position >= p.end) return;
    p.position = Math.min(next, p.end);
    if (p.position >= p.end) this.unfinished -= 1;
  }

  /** Partitions not finished yet, by partition. */
  behind(): PartitionPosition[] {
    return [...this.partitions.values()].filter((p) => p.position < p.end).sort((a, b) => a.partition - b.partition).map((p) => ({ ...p }));
  }
}
