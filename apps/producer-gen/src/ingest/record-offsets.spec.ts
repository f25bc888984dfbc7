import { describe, expect, it } from 'vitest';
import { recordPositions } from './record-offsets.js';

describe('recordPositions', () => {
  it.each([
    {
      name: 'one partition: consecutive offsets from the base, in request order',
      partitions: [0, 0, 0],
      acks: [{ partition: 0, errorCode: 0, baseOffset: '41' }],
      positions: [
        { partition: 0, offset: 41 },
        { partition: 0, offset: 42 },
        { partition: 0, offset: 43 },
      ],
    },
    {
      name: 'interleaved partitions each count from their own base',
      partitions: [2, 0, 2, 1, 0],
      acks: [
        { partition: 0, errorCode: 0, baseOffset: '0' },
        { partition: 1, errorCode: 0, baseOffset: '7' },
        { partition: 2, errorCode: 0, baseOffset: '100' },
      ],
      positions: [
        { partition: 2, offset: 100 },
        { partition: 0, offset: 0 },
        { partition: 2, offset: 101 },
        { partition: 1, offset: 7 },
        { partition: 0, offset: 1 },
      ],
    },
    {
      name: 'offsets beyond 32 bits',
      partitions: [3, 3],
      acks: [{ partition: 3, errorCode: 0, baseOffset: '4294967296' }],
      positions: [
        { partition: 3, offset: 4_294_967_296 },
        { partition: 3, offset: 4_294_967_297 },
      ],
    },
  ])('$name', ({ partitions, acks, positions }) => {
    expect(recordPositions(partitions, acks)).toEqual(positions);
  });

  it.each([
    { name: 'a partition without an acknowledgement', acks: [{ partition: 1, errorCode: 0, baseOffset: '0' }] },
    { name: 'an acknowledgement with an error code', acks: [{ partition: 0, errorCode: 6, baseOffset: '0' }] },
    { name: 'an acknowledgement without an offset (acks=0)', acks: [{ partition: 0, errorCode: 0, baseOffset: '-1' }] },
    { name: 'an offset past 2^53, which no JSON number says exactly', acks: [{ partition: 0, errorCode: 0, baseOffset: '9007199254740993' }] },
  ])('refuses to guess: $name', ({ acks }) => {
    expect(() => recordPositions([0], acks)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
