import { describe, expect, it } from 'vitest';
import { partitionForKey } from '@lagscale/kafka-core';
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
    expect(placeRecords(records, 6, 4).map((r) => r.partition)).toEqual([partitionForKey('user-1', 6), 4, 5, 0, 4]);
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
