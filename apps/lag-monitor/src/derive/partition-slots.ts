/**
 * partition → series index, the part of `Map<number, number>` derive uses, kept in an array
 * indexed by partition (Kafka numbers a topic's partitions 0 … n − 1). One per group-topic: a Map
 * each was about 1 KB, 12 MB of live heap at 5,000 partitions × 50 groups; this is about 200 bytes.
 * Deleting while iterating is safe (the iteration reads the slots as it goes).
 */
export class PartitionSlots implements Iterable<[number, number]> {
  private readonly slots: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(partition: number): number | undefined {
    const index = this.slots[partition];
    return index === undefined || index < 0 ? undefined : index;
  }

  set(partition: number, index: number): this {
    if (!Number.isInteger(partition) || partition < 0) throw new RangeError(`not a partition number: ${partition}`);
    if (this.get(partition) === undefined) this.count += 1;
    while (this.slots.length < partition) this.slots.push(-1);
    this.slots[partition] = index;
    return this;
  }

  delete(partition: number): boolean {
    if (this.get(partition) === undefined) return false;
    this.slots[partition] = -1;
    this.count -= 1;
    return true;
  }

  *keys(): IterableIterator<number> {
    for (const [partition] of this) yield partition;
  }

  *[Symbol.iterator](): IterableIterator<[number, number]> {
    for (let partition = 0; partition < this.slots.length; partition += 1) {
      const index = this.slots[partition] as number;
      if (index >= 0) yield [partition, index];
    }
  }
}
