import { describe, expect, it } from 'vitest';
import type { HandlerRecord } from '../handlers/handler.js';
import { ChunkView, packChunk } from './chunk-codec.js';
import { pooledRecordsOf, type DispatchRecord } from './executor.js';
import { LazyRecord } from './lazy-record.js';

const source: DispatchRecord = {
  topic: 't',
  partition: 3,
  offset: 41,
  timestamp: '1700000000123',
  attempt: 2,
  key: Buffer.from('clé'),
  value: Buffer.from('{"n":1}'),
  headers: { 'content-type': 'application/json', trace: Buffer.from('abc') },
};

function lazyOf(records: DispatchRecord[], at = 0, value: unknown = undefined): LazyRecord {
  return new LazyRecord(new ChunkView(packChunk(pooledRecordsOf(records))), at, value);
}

/** The record as the worker built it before it was lazy: a plain object. */
const plain: HandlerRecord = {
  topic: 't',
  partition: 3,
  offset: 41,
  timestamp: 1_700_000_000_123,
  attempt: 2,
  key: 'clé',
  value: { n: 1 },
  rawValue: Buffer.from('{"n":1}'),
  headers: { 'content-type': 'application/json', trace: 'abc' },
};

describe('LazyRecord', () => {
  it('reads the same fields as a plain record', () => {
    const record = lazyOf([source], 0, { n: 1 });
    const read = { ...plain } as Record<string, unknown>;
    for (const name of Object.keys(plain) as Array<keyof HandlerRecord>) read[name] = record[name];
    expect(read).toEqual(plain);
    expect(record).toMatchObject(plain);
  });

  it('reads null keys and values as null, and a record without headers as {}', () => {
    const record = lazyOf([{ ...source, key: null, value: null, headers: {} }]);
    expect([record.key, record.rawValue, record.headers]).toEqual([null, null, {}]);
  });

  it('lists and serializes every field, as a plain record does', () => {
    const record = lazyOf([source], 0, { n: 1 });
    const listed: string[] = [];
    for (const name in record) listed.push(name);
    expect(listed.sort()).toEqual(Object.keys(plain).sort());
    expect(JSON.parse(JSON.stringify(record))).toEqual(JSON.parse(JSON.stringify(plain)));
  });

  it('reads a field once and keeps what the handler sets', () => {
    const record = lazyOf([source]);
    expect(record.headers).toBe(record.headers);
    expect(record.rawValue).toBe(record.rawValue);
    record.key = 'other';
    record.headers = { a: 'b' };
    record.rawValue = null;
    record.offset = 7;
    expect([record.key, record.headers, record.rawValue, record.offset]).toEqual(['other', { a: 'b' }, null, 7]);
  });

  it('gives each record its own headers object: a handler that changes one changes no other', () => {
    const chunk = new ChunkView(packChunk(pooledRecordsOf([source, source])));
    const first = new LazyRecord(chunk, 0, undefined);
    (first.headers as Record<string, string>)['content-type'] = 'changed';
    expect(new LazyRecord(chunk, 1, undefined).headers['content-type']).toBe('application/json');
  });
});
