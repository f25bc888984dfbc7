import { describe, expect, it } from 'vitest';
import { ascendingOrder, columnGroupTopic, groupTopicColumns, groupTopicPartitionCount, topicColumns } from './group-topic-columns.js';
import type { GroupTopicSnapshot } from './snapshot.js';

const offsets = topicColumns([
  { partition: 1, start: 5, end: 20 },
  { partition: 0, start: 0, end: 10 },
]);

describe('group-topic columns', () => {
  it('sorts a topic by partition; ascendingOrder says nothing when already sorted', () => {
    expect([...offsets.partition]).toEqual([0, 1]);
    expect([...offsets.start]).toEqual([0, 5]);
    expect([...offsets.end]).toEqual([10, 20]);
    expect(ascendingOrder([0, 1, 5])).toBeUndefined();
    expect(ascendingOrder([2, 0, 1])).toEqual([1, 2, 0]);
  });

  it('builds partition objects when read, null for NaN, and counts without building', () => {
    const gt = columnGroupTopic('t', { offsets, committed: Float64Array.of(4, Number.NaN) });
    expect(gt.partitions).toEqual([
      { partition: 0, start: 0, end: 10, committed: 4 },
      { partition: 1, start: 5, end: 20, committed: null },
    ]);
    expect(JSON.parse(JSON.stringify(gt))).toEqual({ topic: 't', partitions: gt.partitions });
    expect(groupTopicPartitionCount(gt)).toBe(2);
  });

  it('a spread with other partitions is a plain snapshot of those, not of the old columns', () => {
    const gt = columnGroupTopic('t', { offsets, committed: Float64Array.of(4, 7) });
    const shrunk: GroupTopicSnapshot = { ...gt, partitions: gt.partitions.slice(0, 1) };
    expect(shrunk.columns).toBeUndefined();
    const columns = groupTopicColumns(shrunk);
    expect([...columns.offsets.partition]).toEqual([0]);
    expect([...columns.committed]).toEqual([4]);
  });

  it('reads a hand-built snapshot, sorted, NaN for null', () => {
    const columns = groupTopicColumns({
      topic: 't',
      partitions: [
        { partition: 2, start: 1, end: 9, committed: null },
        { partition: 0, start: 0, end: 3, committed: 3 },
      ],
    });
    expect([...columns.offsets.partition]).toEqual([0, 2]);
    expect([...columns.offsets.end]).toEqual([3, 9]);
    expect([...columns.committed]).toEqual([3, Number.NaN]);
  });
});
