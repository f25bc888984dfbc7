import { describe, expect, it } from 'vitest';
import { packChunk, unpackChunk } from './chunk-codec.js';
import { pooledRecordsOf, type DispatchRecord, type PooledRecord } from './executor.js';
import { RecordArena } from './record-arena.js';
import { recordSetSegments } from './record-set.js';
import { recordSet } from '../../test-support/record-batch-fixtures.js';

function record(overrides: Partial<DispatchRecord> = {}): DispatchRecord {
  return { topic: 'in', partition: 3, offset: 41, key: Buffer.from('k'), value: Buffer.from('v'), headers: {}, timestamp: '1700000000123', attempt: 1, ...overrides };
}

// what a record should look like after the trip: numbers for timestamp, text headers
function expected(r: DispatchRecord, headers: Record<string, string> = {}, orderTag = 0) {
  return { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: Number(r.timestamp), attempt: r.attempt, orderTag, key: r.key, value: r.value, headers };
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
    const packed = packChunk(pooledRecordsOf([input]));
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
    const packed = packChunk(pooledRecordsOf(records));
    expect(packed.topics).toEqual(['even', 'odd']);
    expect(unpackChunk(packed)).toEqual(records.map((r, i) => expected(r, { 'lagscale-seq': String(i) })));
  });

  it('unpacks views over the shared arena, not copies', () => {
    const packed = packChunk(pooledRecordsOf([record({ value: Buffer.from('payload') })]));
    const [unpacked] = unpackChunk(packed);
    expect(packed.arenas).toHaveLength(1);
    expect(unpacked?.value?.buffer).toBe(packed.arenas[0]);
  });

  it('leaves the input records untouched', () => {
    const input = record({ value: Buffer.from('keep') });
    pooledRecordsOf([input]);
    expect(input.value?.toString()).toBe('keep');
  });

  it('packs an empty chunk', () => {
    expect(unpackChunk(packChunk([]))).toEqual([]);
  });

  it('carries the order tags', () => {
    const packed = packChunk(pooledRecordsOf([record({ offset: 1 }), record({ offset: 2 }), record({ offset: 3 })]), [1, 1, 0]);
    expect(unpackChunk(packed).map((r) => r.orderTag)).toEqual([1, 1, 0]);
  });

  it('round-trips views into one big buffer, as kafkajs hands them over, and scattered ones', () => {
    // a fetch response: keys, values and header values are views into one buffer
    const response = Buffer.alloc(64 * 1024);
    const views = Array.from({ length: 100 }, (_, i) => {
      const base = i * 300;
      response.write(`key-${i}`, base);
      response.fill(i, base + 20, base + 120);
      response.write('application/octet-stream', base + 130);
      return record({ offset: i, key: response.subarray(base, base + `key-${i}`.length), value: response.subarray(base + 20, base + 120), headers: { 'content-type': response.subarray(base + 130, base + 154) } });
    });
    // and a few own buffers, big enough not to share Node's pool
    const scattered = Array.from({ length: 3 }, (_, i) => record({ offset: 100 + i, key: Buffer.alloc(5_000, 65 + i), value: Buffer.alloc(9_000, i) }));
    const records = [...views, ...scattered];
    const unpacked = unpackChunk(packChunk(pooledRecordsOf(records)));
    expect(unpacked).toEqual(records.map((r) => expected(r, r.offset < 100 ? { 'content-type': 'application/octet-stream' } : {})));
  });

  it('round-trips records whose bytes stay in a shared fetch response', async () => {
    const set = await recordSet({ baseOffset: 7, records: [{ key: Buffer.from('k1'), value: Buffer.from('one'), headers: { 'content-type': 'text/plain' } }, { key: null, value: Buffer.from('two') }] });
    const response = Buffer.from(new SharedArrayBuffer(set.length + 8));
    set.copy(response, 8);
    const { arena, offsets } = RecordArena.fromSegments((await recordSetSegments(response.subarray(8))) ?? [], 0, 10);
    expect(arena.data).toBe(response.buffer);
    const pooled: PooledRecord[] = offsets.map((offset, slot) => ({ topic: 'in', partition: 3, offset, attempt: 1, arena, slot }));
    const unpacked = unpackChunk(packChunk(pooled));
    expect(unpacked.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString(), r.headers])).toEqual([
      [7, 'k1', 'one', { 'content-type': 'text/plain' }],
      [8, null, 'two', {}],
    ]);
  });
});
