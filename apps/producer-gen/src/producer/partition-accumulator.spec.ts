import { describe, expect, it } from 'vitest';
import { PartitionAccumulator } from './partition-accumulator.js';

const message = (value: string) => ({ value });

describe('PartitionAccumulator', () => {
  it('is ready when one partition fills its batch by records', () => {
    const acc = new PartitionAccumulator({ batchRecords: 3, batchBytes: 1_000, lingerMs: 50, partitionCount: 2 });
    expect(acc.add(0, message('a'), 1, 0)).toBe(false);
    expect(acc.add(1, message('b'), 1, 0)).toBe(false);
    expect(acc.add(0, message('c'), 1, 0)).toBe(false);
    expect(acc.isReady(1)).toBe(false);
    expect(acc.add(0, message('d'), 1, 1)).toBe(true);
    expect(acc.isReady(1)).toBe(true);
  });

  it('is ready when one partition fills its batch by bytes', () => {
    const acc = new PartitionAccumulator({ batchRecords: 100, batchBytes: 10, lingerMs: 50, partitionCount: 1 });
    expect(acc.add(0, message('a'), 6, 0)).toBe(false);
    expect(acc.add(0, message('b'), 6, 0)).toBe(true);
  });

  it.each([
    { name: 'before linger', now: 4, ready: false, wait: 1 },
    { name: 'at linger', now: 5, ready: true, wait: 0 },
    { name: 'after linger', now: 9, ready: true, wait: 0 },
  ])('lingers on the oldest record: $name', ({ now, ready, wait }) => {
    const acc = new PartitionAccumulator({ batchRecords: 100, batchBytes: 1_000, lingerMs: 5, partitionCount: 2 });
    acc.add(1, message('old'), 1, 0);
    acc.add(0, message('new'), 1, 3);
    expect(acc.isReady(now)).toBe(ready);
    expect(acc.msUntilReady(now)).toBe(wait);
  });

  it('drains every partition in order and starts empty again', () => {
    const acc = new PartitionAccumulator({ batchRecords: 100, batchBytes: 1_000, lingerMs: 5, partitionCount: 3 });
    acc.add(2, message('x'), 2, 0);
    acc.add(0, message('a'), 3, 1);
    acc.add(2, message('y'), 4, 2);
    const batch = acc.drain();
    expect(batch.records).toBe(3);
    expect(batch.bytes).toBe(9);
    expect(batch.partitions.map((p) => [p.partition, p.messages.map((m) => m.value)])).toEqual([
      [0, ['a']],
      [2, ['x', 'y']],
    ]);
    expect(batch.partitions[1]?.enqueuedAtMs).toEqual([0, 2]);
    expect(acc.size).toBe(0);
    expect(acc.isReady(100)).toBe(false);
    expect(acc.msUntilReady(100)).toBe(Infinity);
    expect(acc.drain().records).toBe(0);
  });

  it('rejects a partition outside the topic', () => {
    const acc = new PartitionAccumulator({ batchRecords: 1, batchBytes: 1, lingerMs: 1, partitionCount: 2 });
    expect(() => acc.add(2, message('a'), 1, 0)).toThrow(RangeError);
  });
});

describe('PartitionAccumulator when records pile up', () => {
  it('drains at most one batch per partition, oldest first, and keeps the rest in order', () => {
    const acc = new PartitionAccumulator({ batchRecords: 3, batchBytes: 1_000, lingerMs: 5, partitionCount: 2 });
    for (const value of ['a', 'b', 'c', 'd', 'e']) acc.add(0, message(value), 10, 0);
    acc.add(1, message('z'), 10, 0);
    expect(acc.bytes).toBe(60);
    const first = acc.drain();
    expect(first.partitions.map((p) => [p.partition, p.messages.map((m) => m.value)])).toEqual([
      [0, ['a', 'b', 'c']],
      [1, ['z']],
    ]);
    expect(first).toMatchObject({ records: 4, bytes: 40 });
    expect(acc.size).toBe(2);
    expect(acc.bytes).toBe(20);
    expect(acc.drain().partitions.map((p) => p.messages.map((m) => m.value))).toEqual([['d', 'e']]);
    expect(acc.size).toBe(0);
    expect(acc.bytes).toBe(0);
  });

  it('cuts a batch by bytes, but always takes at least one record', () => {
    const acc = new PartitionAccumulator({ batchRecords: 100, batchBytes: 25, lingerMs: 5, partitionCount: 1 });
    acc.add(0, message('huge'), 40, 0);
    acc.add(0, message('a'), 10, 0);
    acc.add(0, message('b'), 10, 0);
    acc.add(0, message('c'), 10, 0);
    expect(acc.drain().partitions[0]?.messages.map((m) => m.value)).toEqual(['huge']);
    expect(acc.isReady(0)).toBe(true);
    expect(acc.drain().partitions[0]?.messages.map((m) => m.value)).toEqual(['a', 'b']);
    expect(acc.isReady(0)).toBe(false);
    expect(acc.drain().partitions[0]?.messages.map((m) => m.value)).toEqual(['c']);
  });
});
