/** Looks a topic's partition count up in Kafka: undefined when the topic does not exist. */
export type PartitionCountLookup = (topic: string) => Promise<number | undefined>;

export interface TopicPartitionCacheOptions {
  /** How long a partition count is trusted; partitions can be added to a topic at any time. */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * Partition counts of existing topics. A miss (unknown, expired, or a refresh the caller asks
 * for) looks the topic up, one lookup per topic at a time however many requests wait for it.
 * Unknown topics are not remembered: a topic created a moment later must be found, and only
 * existing topics take memory.
 */
export class TopicPartitionCache {
  private readonly entries = new Map<string, { partitions: number; fetchedAt: number }>();
  private readonly pending = new Map<string, Promise<number | undefined>>();
  private readonly now: () => number;

  constructor(
    private readonly lookup: PartitionCountLookup,
    private readonly options: TopicPartitionCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async partitionCount(topic: string, options: { refresh?: boolean } = {}): Promise<number | undefined> {
    const entry = this.entries.get(topic);
    if (options.refresh !== true && entry !== undefined && this.now() - entry.fetchedAt < this.options.maxAgeMs) return entry.partitions;
    let pending = this.pending.get(topic);
    if (pending === undefined) {
      pending = this.refresh(topic);
      this.pending.set(topic, pending);
    }
    return pending;
  }

  invalidate(topic: string): void {
    this.entries.delete(topic);
  }

  private async refresh(topic: string): Promise<number | undefined> {
    try {
      const partitions = await this.lookup(topic);
      if (partitions === undefined) this.entries.delete(topic);
      else this.entries.set(topic, { partitions, fetchedAt: this.now() });
      return partitions;
    } finally {
      this.pending.delete(topic);
    }
  }
}
