import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { readSequence } from './sequence-headers.js';
import { SequenceStamper } from './sequence-stamper.js';

describe('SequenceStamper', () => {
  it('counts seq over all records and keySeq per key, keyless records on their own counter', () => {
    const stamper = new SequenceStamper('gen');
    const keys = ['a', 'b', 'a', null, Buffer.from('a'), undefined, 'b', new Uint8Array([0x61])];
    const stamps = keys.map((key) => stamper.next(key));
    expect(stamps.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // A key given as bytes is the same key as its string.
    expect(stamps.map((s) => s.keySeq)).toEqual([0, 0, 1, 0, 2, 1, 1, 3]);
    expect(stamps.every((s) => s.producerId === 'gen')).toBe(true);
    expect(stamper.issued).toBe(8);
    expect(stamper.distinctKeys).toBe(2);
  });

  it('stamps headers in place with what next() would have returned', () => {
    const stamper = new SequenceStamper('gen');
    stamper.next('x');
    const headers = stamper.stamp({ other: 'kept' }, 'x');
    expect(readSequence(headers)).toEqual({ producerId: 'gen', seq: 1, keySeq: 1 });
    expect(headers.other).toBe('kept');
  });

  it('rejects an empty producer id', () => {
    expect(() => new SequenceStamper('')).toThrow(AppError);
  });
});
