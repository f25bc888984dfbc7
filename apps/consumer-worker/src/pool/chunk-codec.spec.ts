import { describe, expect, it } from 'vitest';
import { packChunk, packResults, unpackChunk, unpackResults } from './chunk-codec.js';
import type { DispatchRecord, RecordOutcome } from './executor.js';

function record(overrides: Partial<DispatchRecord> = {}): DispatchRecord {
  return { topic: 'in', partition: 3, offset: 41, key: Buffer.from('k'), value: Buffer.from('v'), headers: {}, timestamp: '1700000000123', attempt: 1, ...overrides };
}

// what a record should look like after the trip: numbers for timestamp, text headers
function expected(r: DispatchRecord, headers: Record<string, string> = {}) {
  return { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: Number(r.timestamp), attempt: r.attempt, key: r.key, value: r.value, headers };
}

describe('packChunk / unpackChunk', () => {
  const cases: { name: string; input: DispatchRecord; headers: Record<string, string> }[] = [
    { name: 'plain record', input: record(), headers: {} },
    { name: 'null key and null value', input: record({ key: null, value: null }), headers: {} },
    { name: 'empty key and empty value', input: record({ key: Buffer.alloc(0), value: Buffer.alloc(0) }), headers: {} },
    {
      name: 'unicode header names and values, string and Buffer',
      input: record({ headers: { 'grüße-☃': 'wert ✓ 日本', bytes: Buffer.from('é', 'utf8'), empty: '' } }),
      headers: { 'grüße-☃': 'wert ✓ 日本', bytes: 'é', empty: '' },
    },
    { name: 'repeated header keeps its last value', input: record({ headers: { h: ['a', Buffer.from('b')] } }), headers: { h: 'b' } },
    { name: 'undefined header is dropped', input: record({ headers: { gone: undefined, kept: '1' } }), headers: { kept: '1' } },
    { name: 'large offset and attempt', input: record({ offset: 2 ** 52 + 1, attempt: 7, partition: 0 }), headers: {} },
  ];

  it.each(cases)('round-trips: $name', ({ input, headers }) => {
    const packed = packChunk([input]);
    expect(unpackChunk(packed)).toEqual([expected(input, headers)]);
  });

  it('round-trips 256 records over two topics in order, with one buffer', () => {
    const records = Array.from({ length: 256 }, (_, i) =>
      record({
        topic: i % 2 === 0 ? 'even' : 'odd',
        offset: i,
        key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
        value: Buffer.alloc(i, i),
        headers: { 'lagscale-seq': String(i) },
      }),
    );
    const packed = packChunk(records);
    expect(packed.topics).toEqual(['even', 'odd']);
    expect(unpackChunk(packed)).toEqual(records.map((r, i) => expected(r, { 'lagscale-seq': String(i) })));
  });

  it('unpacks views over the transferred buffer, not copies', () => {
    const packed = packChunk([record({ value: Buffer.from('payload') })]);
    const [unpacked] = unpackChunk(packed);
    expect(unpacked?.value?.buffer).toBe(packed.buffer);
  });

  it('leaves the input records untouched', () => {
    const input = record({ value: Buffer.from('keep') });
    packChunk([input]);
    expect(input.value?.toString()).toBe('keep');
  });

  it('packs an empty chunk', () => {
    expect(unpackChunk(packChunk([]))).toEqual([]);
  });
});

describe('packResults / unpackResults', () => {
  const outcomes: RecordOutcome[] = [
    { status: 'ok', outputs: [] },
    {
      status: 'ok',
      outputs: [
        { key: Buffer.from('a'), value: Buffer.from('{"x":1}'), headers: { 'content-type': 'application/json', 'lagscale-seq': '9', raw: Buffer.from([0, 255]) } },
        { topic: 'alerts', key: null, value: null, headers: {} },
        { topic: 'alerts', key: Buffer.alloc(0), value: Buffer.alloc(0), headers: { 'ünï': 'cödé ✓' } },
      ],
    },
    { status: 'failed', error: 'boom ✗' },
    { status: 'undecodable', error: 'cannot decode value as application/json: invalid JSON' },
    { status: 'ok', outputs: [{ topic: 'other', key: Buffer.from('b'), value: Buffer.from('2'), headers: {} }] },
  ];

  it('round-trips every kind of outcome, keeping Buffer headers as Buffers', () => {
    const packed = packResults(outcomes);
    expect(packed.topics).toEqual(['alerts', 'other']);
    expect(unpackResults(packed)).toEqual(outcomes);
  });

  it('round-trips 256 outcomes in order', () => {
    const many: RecordOutcome[] = Array.from({ length: 256 }, (_, i) =>
      i % 3 === 0 ? { status: 'failed', error: `e${i}` } : { status: 'ok', outputs: [{ key: null, value: Buffer.from(String(i)), headers: { seq: String(i) } }] },
    );
    expect(unpackResults(packResults(many))).toEqual(many);
  });

  it('packs no outcomes', () => {
    expect(unpackResults(packResults([]))).toEqual([]);
  });
});
