import { describe, expect, it } from 'vitest';
import { builtInPartitioner, partitionForKey, type LoadedPartitioner } from '@lagscale/kafka-core/partitioner';
import { highestRequestedPartition, placeRecords } from './record-placement.js';

describe('placeRecords', () => {
  it('honours a requested partition, places keys like Java, and puts keyless records on one partition', () => {
    const records = [
      { key: 'user-1', partition: undefined },
      { key: null, partition: undefined },
      { key: 'user-1', partition: 5 },
      { key: null, partition: 0 },
      { key: null, partition: undefined },
    ];
    expect(placeRecords(records, { topic: 't', partitionCount: 6, keylessPartition: 4 }).map((r) => r.partition)).toEqual([partitionForKey('user-1', 6), 4, 5, 0, 4]);
  });

  it('lets round-robin place keyed and keyless records alike, and still honours a requested partition', () => {
    const records = [
      { key: 'user-1', partition: undefined },
      { key: 'user-1', partition: undefined },
      { key: null, partition: 5 },
      { key: null, partition: undefined },
    ];
    const placed = placeRecords(records, { topic: 't', partitionCount: 3, keylessPartition: 2, partitioner: builtInPartitioner('round-robin') });
    expect(placed.map((r) => r.partition)).toEqual([0, 1, 5, 2]);
  });

  it('gives a module partitioner the topic, key and value, and rejects an answer outside the topic', () => {
    const seen: unknown[] = [];
    const partitioner: LoadedPartitioner = {
      name: 'by-value.mjs',
      placesKeyless: true,
      partition: (input) => {
        seen.push(input);
        return input.value?.length ?? 0;
      },
    };
    const records: Array<{ key: string | null; value: Buffer; partition: number | undefined }> = [{ key: null, value: Buffer.from('ab'), partition: undefined }];
    expect(placeRecords(records, { topic: 't', partitionCount: 3, keylessPartition: 0, partitioner })[0]?.partition).toBe(2);
    expect(seen).toEqual([{ topic: 't', partitionCount: 3, key: null, value: Buffer.from('ab') }]);
    expect(() => placeRecords([{ key: 'k', value: Buffer.from('abcd'), partition: undefined }], { topic: 't', partitionCount: 3, keylessPartition: 0, partitioner })).toThrow(
      'partitioner by-value.mjs returned 4 for topic t, which has partitions 0–2',
    );
  });
});

describe('highestRequestedPartition', () => {
  it.each([
    { records: [{ key: null, partition: undefined }], highest: undefined },
    {
      records: [
        { key: null, partition: 3 },
        { key: null, partition: 9 },
        { key: null, partition: 9 },
      ],
      highest: { index: 1, partition: 9 },
    },
  ])('$highest', ({ records, highest }) => {
    expect(highestRequestedPartition(records)).toEqual(highest);
  });
});
