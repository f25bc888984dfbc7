import type { IHeaders } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { readSequence, SEQUENCE_HEADERS, stampSequence } from './sequence-headers.js';

const { producerId: P, seq: S, keySeq: K } = SEQUENCE_HEADERS;

describe('stampSequence', () => {
  it('writes the three headers as strings and keeps the others', () => {
    const headers: IHeaders = { 'content-type': 'application/json' };
    const result = stampSequence(headers, { producerId: 'gen-1', seq: 42, keySeq: 7 });
    expect(result).toBe(headers);
    expect(headers).toEqual({ 'content-type': 'application/json', [P]: 'gen-1', [S]: '42', [K]: '7' });
  });

  it('round-trips through readSequence, as written and as the bytes a consumer receives', () => {
    const stamp = { producerId: 'host-1234-ab', seq: 999_999_999_999, keySeq: 0 };
    const written = stampSequence({}, stamp);
    expect(readSequence(written)).toEqual(stamp);
    const received = Object.fromEntries(Object.entries(written).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(readSequence(received)).toEqual(stamp);
  });
});

describe('readSequence', () => {
  const valid: Array<{ name: string; headers: IHeaders; expected: { producerId: string; seq: number; keySeq: number } }> = [
    { name: 'strings', headers: { [P]: 'a', [S]: '5', [K]: '2' }, expected: { producerId: 'a', seq: 5, keySeq: 2 } },
    { name: 'Buffers', headers: { [P]: Buffer.from('a'), [S]: Buffer.from('5'), [K]: Buffer.from('2') }, expected: { producerId: 'a', seq: 5, keySeq: 2 } },
    { name: 'UTF-8 producer id', headers: { [P]: Buffer.from('générateur'), [S]: '0', [K]: '0' }, expected: { producerId: 'générateur', seq: 0, keySeq: 0 } },
    { name: 'repeated headers: the last wins', headers: { [P]: ['old', Buffer.from('new')], [S]: [Buffer.from('1'), '9'], [K]: ['3'] }, expected: { producerId: 'new', seq: 9, keySeq: 3 } },
    { name: 'leading zeros', headers: { [P]: 'a', [S]: '007', [K]: '00' }, expected: { producerId: 'a', seq: 7, keySeq: 0 } },
    { name: 'largest accepted (15 digits)', headers: { [P]: 'a', [S]: '999999999999999', [K]: '1' }, expected: { producerId: 'a', seq: 999_999_999_999_999, keySeq: 1 } },
  ];
  it.each(valid)('reads $name', ({ headers, expected }) => {
    expect(readSequence(headers)).toEqual(expected);
  });

  const garbled: Array<{ name: string; headers: IHeaders | undefined }> = [
    { name: 'no headers at all', headers: undefined },
    { name: 'empty headers', headers: {} },
    { name: 'missing producer id', headers: { [S]: '1', [K]: '1' } },
    { name: 'missing seq', headers: { [P]: 'a', [K]: '1' } },
    { name: 'missing key seq', headers: { [P]: 'a', [S]: '1' } },
    { name: 'empty producer id', headers: { [P]: Buffer.alloc(0), [S]: '1', [K]: '1' } },
    { name: 'empty seq', headers: { [P]: 'a', [S]: '', [K]: '1' } },
    { name: 'negative seq', headers: { [P]: 'a', [S]: '-1', [K]: '1' } },
    { name: 'fractional seq', headers: { [P]: 'a', [S]: '1.5', [K]: '1' } },
    { name: 'seq with a space', headers: { [P]: 'a', [S]: ' 12', [K]: '1' } },
    { name: 'hex key seq', headers: { [P]: 'a', [S]: '1', [K]: Buffer.from('0x1f') } },
    { name: 'seq beyond 15 digits', headers: { [P]: 'a', [S]: '9999999999999999', [K]: '1' } },
    { name: 'empty array', headers: { [P]: 'a', [S]: [], [K]: '1' } },
    { name: 'binary garbage', headers: { [P]: 'a', [S]: Buffer.from([0xff, 0x00]), [K]: '1' } },
  ];
  it.each(garbled)('returns undefined for $name', ({ headers }) => {
    expect(readSequence(headers)).toBeUndefined();
  });
});
