import { describe, expect, it } from 'vitest';
import type { Handler, HandlerRecord } from '../handlers/handler.js';
import type { ChunkRecord } from './chunk-codec.js';
import { encodeOutput, runRecords } from './worker.js';

function chunkRecord(value: string | null, headers: Record<string, string> = {}): ChunkRecord {
  return { topic: 't', partition: 1, offset: 5, timestamp: 1_000, attempt: 2, key: Buffer.from('k'), value: value === null ? null : Buffer.from(value), headers };
}

describe('encodeOutput', () => {
  const cases: { name: string; output: Parameters<typeof encodeOutput>[0]; key: string | null; value: string | null; headers: Record<string, string> }[] = [
    { name: 'json by default, content type added', output: { key: 'k', value: { a: 1 } }, key: 'k', value: '{"a":1}', headers: { 'content-type': 'application/json' } },
    { name: 'string codec', output: { value: 'hi', codec: 'string' }, key: null, value: 'hi', headers: { 'content-type': 'text/plain; charset=utf-8' } },
    { name: 'null value is a tombstone, no content type', output: { key: Buffer.from('b'), value: null }, key: 'b', value: null, headers: {} },
    { name: 'explicit content type wins', output: { value: Buffer.from('raw'), codec: 'bytes', headers: { 'content-type': 'application/json' } }, key: null, value: 'raw', headers: { 'content-type': 'application/json' } },
  ];
  it.each(cases)('$name', ({ output, key, value, headers }) => {
    const encoded = encodeOutput(output);
    expect(encoded.key?.toString() ?? null).toBe(key);
    expect(encoded.value?.toString() ?? null).toBe(value);
    expect(encoded.headers).toEqual(headers);
  });
});

describe('runRecords', () => {
  it('hands the handler decoded values and record fields, in order', async () => {
    const seen: HandlerRecord[] = [];
    const handler: Handler = { handle: (record) => void seen.push(record) };
    await runRecords(handler, [chunkRecord('{"n":1}'), chunkRecord('plain', { 'content-type': 'text/plain' }), chunkRecord(null)]);
    expect(seen.map((r) => r.value)).toEqual([{ n: 1 }, 'plain', null]);
    expect(seen[0]).toMatchObject({ topic: 't', partition: 1, offset: 5, timestamp: 1_000, attempt: 2, key: 'k' });
  });

  it('maps decode failures, throws, rejections and unencodable outputs to outcomes', async () => {
    const handler: Handler = {
      handle(record) {
        if (record.value === 'throw') throw new Error('sync boom');
        if (record.value === 'reject') return Promise.reject(new Error('async boom'));
        if (record.value === 'bad-output') return [{ value: 1n }];
        return [{ value: record.value }];
      },
    };
    const outcomes = await runRecords(handler, [
      chunkRecord('"throw"'),
      chunkRecord('"reject"'),
      chunkRecord('"bad-output"'),
      chunkRecord('{oops'),
      chunkRecord('"fine"'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'undecodable', 'ok']);
    expect(outcomes[0]).toEqual({ status: 'failed', error: 'sync boom' });
    expect(outcomes[1]).toEqual({ status: 'failed', error: 'async boom' });
    expect(outcomes[2]).toMatchObject({ error: expect.stringContaining('handler output cannot be encoded') });
  });
});
