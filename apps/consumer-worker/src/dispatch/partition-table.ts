import type { TopicPartitionOffset } from './dispatcher-contract.js';
import { PartitionState } from './partition-state.js';

function keyOf(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/**
 * The partitions the dispatcher holds records of: a partition's state is made on its first record
 * and dropped when the group takes it away. What to commit is read here, from their trackers.
 */
/** One topic's share of the dispatcher's state, for per-topic metrics (read at scrape time). */
export interface TopicStats {
  /** Records processed since start, partitions revoked since included. */
  processed: number;
  uncommittedRecords: number;
  pendingRecords: number;
  pausedPartitions: number;
  commitLag: number;
}

export class PartitionTable {
  readonly #parts = new Map<string, PartitionState>();
  /** Records processed on partitions since removed, by topic: counters never go back. */
  readonly #retiredProcessed = new Map<string, number>();

  get size(): number {
    return this.#parts.size;
  }

  values(): IterableIterator<PartitionState> {
    return this.#parts.values();
  }

  /** The state of a partition, made on first use. */
  get(topic: string, partition: number): PartitionState {
    const key = keyOf(topic, partition);
    let part = this.#parts.get(key);
    if (part === undefined) {
      part = new PartitionState(topic, partition);
      this.#parts.set(key, part);
    }
    return part;
  }

  /** Takes partitions out (the caller revokes them); returns those it held. */
  remove(topic: string, partitions: readonly number[]): PartitionState[] {
    const removed: PartitionState[] = [];
    for (const partition of partitions) {
      const key = keyOf(topic, partition);
      const part = this.#parts.get(key);
      if (part === undefined) continue;
      this.#parts.delete(key);
      this.#retiredProcessed.set(topic, (this.#retiredProcessed.get(topic) ?? 0) + part.processed);
      removed.push(part);
    }
    return removed;
  }

  /** Offsets to commit: partitions whose committable offset moved past their last commit. */
  committableOffsets(): TopicPartitionOffset[] {
    const result: TopicPartitionOffset[] = [];
    for (const part of this.#parts.values()) {
      const offset = part.commitOffset();
      if (offset !== undefined) result.push({ topic: part.topic, partition: part.partition, offset });
    }
    return result;
  }

  /** Records commits that succeeded; partitions no longer held are ignored. */
  markCommitted(offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) this.#parts.get(keyOf(topic, partition))?.markCommitted(offset);
  }

  /** Offsets taken past the last commit, over all partitions (see `PartitionState.commitLag`). */
  commitLag(): number {
    let lag = 0;
    for (const part of this.#parts.values()) lag += part.commitLag;
    return lag;
  }

  /** Records taken and not done yet, over all partitions. */
  pendingRecords(): number {
    let pending = 0;
    for (const part of this.#parts.values()) pending += part.pendingRecords;
    return pending;
  }

  /** Per topic: processed, uncommitted, pending, paused partitions and commit lag. */
  topicStats(): Map<string, TopicStats> {
    const stats = new Map<string, TopicStats>();
    const of = (topic: string) => {
      let s = stats.get(topic);
      if (s === undefined) {
        s = { processed: this.#retiredProcessed.get(topic) ?? 0, uncommittedRecords: 0, pendingRecords: 0, pausedPartitions: 0, commitLag: 0 };
        stats.set(topic, s);
      }
      return s;
    };
    for (const topic of this.#retiredProcessed.keys()) of(topic);
    for (const part of this.#parts.values()) {
      const s = of(part.topic);
      s.processed += part.processed;
      s.uncommittedRecords += part.uncommittedRecords;
      s.pendingRecords += part.pendingRecords;
      s.pausedPartitions += part.paused ? 1 : 0;
      s.commitLag += part.commitLag;
    }
    return stats;
  }

  /** Per partition held, its uncommitted records (done or not), for those with any: what a stop now leaves to be redelivered. */
  uncommittedByPartition(): Array<{ topic: string; partition: number; records: number }> {
    const result: Array<{ topic: string; partition: number; records: number }> = [];
    for (const part of this.#parts.values()) if (part.uncommittedRecords > 0) result.push({ topic: part.topic, partition: part.partition, records: part.uncommittedRecords });
    return result;
  }
}
