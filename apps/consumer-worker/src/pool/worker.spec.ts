import * as codecs from '@lagscale/codecs';
import { describe, expect, it } from 'vitest';
import { invalidRecord, type Handler, type HandlerRecord } from '../handlers/handler.js';
import { BucketCounts } from '@lagscale/kafka-core/thread';
import { HANDLER_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { ChunkView, packChunk } from './chunk-codec.js';
import { pooledRecordsOf, type DispatchRecord } from './executor.js';
import { encodeOutput, PartitionKeys, revokeKeys, runChunk } from './worker.js';
import { LazyRecord } from './lazy-record.js';

function dispatchRecord(offset: number, value: string | null, headers: Record<string, string> = {}, key = 'k'): DispatchRecord {
  return { topic: 't', partition: 1, offset, timestamp: '1000', attempt: 2, key: Buffer.from(key), value: value === null ? null : Buffer.from(value), headers };
}

function chunkOf(records: DispatchRecord[], tags?: number[]): ChunkView {
  return new ChunkView(packChunk(pooledRecordsOf(records), tags));
}

describe('encodeOutput', () => {
  const cases: { name: string; output: Parameters<typeof encodeOutput>[0]; key: string | null; value: string | null; headers: Record<string, string> }[] = [
    { name: 'json by default, content type added', output: { key: 'k', value: { a: 1 } }, key: 'k', value: '{"a":1}', headers: { 'content-type': 'application/json' } },
    { name: 'string codec', output: { value: 'hi', codec: 'string' }, key: null, value: 'hi', headers: { 'content-type': 'text/plain; charset=utf-8' } },
    { name: 'null value is a tombstone, no content type', output: { key: Buffer.from('b'), value: null }, key: 'b', value: null, headers: {} },
    { name: 'explicit content type wins', output: { value: Buffer.from('raw'), codec: 'bytes', headers: { 'content-type': 'application/json' } }, key: null, value: 'raw', headers: { 'content-type': 'application/json' } },
  ];
  it.each(cases)('$name', ({ output, key, value, headers }) => {
    const encoded = encodeOutput(output, codecs);
    expect(encoded.key?.toString() ?? null).toBe(key);
    expect(encoded.value?.toString() ?? null).toBe(value);
    expect(encoded.headers).toEqual(headers);
  });
});

describe('runChunk', () => {
  it("lets a kept record's plain fields and what was read stay, but a first read of its bytes after the chunk closed throws", async () => {
    const kept: HandlerRecord[] = [];
    const handler: Handler = {
      handle(record) {
        if (record.offset === 0) void record.key; // read while the handler runs
        kept.push(record);
      },
    };
    const view = chunkOf([dispatchRecord(0, '{"n":1}'), dispatchRecord(1, '{"n":2}', { h: 'x' }, 'second')]);
    await runChunk(handler, view);
    expect(kept[1]?.key).toBe('second'); // still open
    view.close();
    expect(kept.map((r) => [r.offset, r.value])).toEqual([
      [0, { n: 1 }],
      [1, { n: 2 }],
    ]);
    expect(kept[0]?.key).toBe('k');
    expect(kept[1]?.key).toBe('second');
    // read to decode the value, while the handler ran
    expect(kept[1]?.headers).toEqual({ h: 'x' });
    const fresh = new LazyRecord(view, 1, undefined);
    expect(() => fresh.key).toThrow(/t\[1\]@1: its key, rawValue and headers can be read only while its handler runs/);
    expect(() => fresh.rawValue).toThrow(/keep copies/);
    expect(() => fresh.headers).toThrow(/read only while its handler runs/);
    expect([fresh.topic, fresh.partition, fresh.offset, fresh.attempt]).toEqual(['t', 1, 1, 2]);
  });

  it('hands the handler decoded values and record fields, in order', async () => {
    const seen: HandlerRecord[] = [];
    const handler: Handler = { handle: (record) => void seen.push(record) };
    await runChunk(handler, chunkOf([dispatchRecord(5, '{"n":1}'), dispatchRecord(6, 'plain', { 'content-type': 'text/plain' }), dispatchRecord(7, null)]));
    expect(seen.map((r) => r.value)).toEqual([{ n: 1 }, 'plain', null]);
    expect(seen[0]).toMatchObject({ topic: 't', partition: 1, offset: 5, timestamp: 1_000, attempt: 2, key: 'k' });
    expect(seen[1]?.headers).toEqual({ 'content-type': 'text/plain' });
    expect(seen[1]?.rawValue?.toString()).toBe('plain');
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
    const outcomes = await runChunk(
      handler,
      chunkOf([dispatchRecord(0, '"throw"'), dispatchRecord(1, '"reject"'), dispatchRecord(2, '"bad-output"'), dispatchRecord(3, '{oops'), dispatchRecord(4, '"fine"')]),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'rejected', 'undecodable', 'ok']);
    expect(outcomes[0]).toEqual({ status: 'failed', error: 'sync boom' });
    expect(outcomes[1]).toEqual({ status: 'failed', error: 'async boom' });
    // the same outputs would fail to encode on every retry
    expect(outcomes[2]).toMatchObject({ error: expect.stringContaining('handler output cannot be encoded') });
  });

  // keys a, b, a, a, b, c (tags 1, 2, 1, 1, 2, 0); the handler fails the records whose value is "fail"
  const rows: Array<{ name: string; values: string[]; tags: number[]; statuses: string[]; ran: number[] }> = [
    {
      name: 'a failure skips the later records of its tag only',
      values: ['"fail"', '"x"', '"x"', '"x"', '"x"', '"x"'],
      tags: [1, 2, 1, 1, 2, 0],
      statuses: ['failed', 'ok', 'skipped', 'skipped', 'ok', 'ok'],
      ran: [0, 1, 4, 5],
    },
    {
      name: 'records of the tag before the failure stand',
      values: ['"x"', '"x"', '"fail"', '"x"', '"x"', '"x"'],
      tags: [1, 2, 1, 1, 2, 0],
      statuses: ['ok', 'ok', 'failed', 'skipped', 'ok', 'ok'],
      ran: [0, 1, 2, 4, 5],
    },
    {
      name: 'untagged records are independent: nothing is skipped',
      values: ['"fail"', '"x"', '"fail"', '"x"'],
      tags: [0, 0, 0, 0],
      statuses: ['failed', 'ok', 'failed', 'ok'],
      ran: [0, 1, 2, 3],
    },
    {
      name: 'a rejected record (not retriable) is dead-lettered, not retried: its tag goes on',
      values: ['"invalid"', '"x"'],
      tags: [1, 1],
      statuses: ['rejected', 'ok'],
      ran: [0, 1],
    },
    {
      name: 'an undecodable record is dead-lettered, not retried: its tag goes on',
      values: ['{oops', '"x"'],
      tags: [1, 1],
      statuses: ['undecodable', 'ok'],
      ran: [1],
    },
  ];
  it.each(rows)('$name', async ({ values, tags, statuses, ran }) => {
    const seen: number[] = [];
    const handler: Handler = {
      handle(record) {
        seen.push(record.offset);
        if (record.value === 'fail') throw new Error('boom');
        if (record.value === 'invalid') throw invalidRecord('not the expected data');
      },
    };
    const outcomes = await runChunk(handler, chunkOf(values.map((v, i) => dispatchRecord(i, v)), tags));
    expect(outcomes.map((o) => o.status)).toEqual(statuses);
    expect(seen).toEqual(ran);
  });

  it('settles an error that cannot pass on retry as rejected (never retried): invalidRecord, a CodecError, any retriable: false', async () => {
    const handler: Handler = {
      handle(record) {
        if (record.value === 'invalid') throw invalidRecord('not a sensor reading');
        if (record.value === 'codec') codecs.jsonCodec.decode(Buffer.from('{oops'));
        if (record.value === 'marked') throw Object.assign(new Error('schema mismatch'), { retriable: false });
        if (record.value === 'transient') throw Object.assign(new Error('downstream busy'), { retriable: true });
      },
    };
    const outcomes = await runChunk(handler, chunkOf([dispatchRecord(0, '"invalid"'), dispatchRecord(1, '"codec"'), dispatchRecord(2, '"marked"'), dispatchRecord(3, '"transient"')]));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'failed']);
    expect(outcomes[0]).toEqual({ status: 'rejected', error: 'not a sensor reading' });
  });

  it('skips decoding for a handler that does not read values, so garbage is not undecodable', async () => {
    const seen: unknown[] = [];
    const handler: Handler = { readsValue: false, handle: (record) => void seen.push(record.value) };
    const outcomes = await runChunk(handler, chunkOf([dispatchRecord(0, '{oops')]));
    expect(outcomes.map((o) => o.status)).toEqual(['ok']);
    expect(seen).toEqual([undefined]);
  });

  it('counts handler time per record, run records only', async () => {
    const timings = new BucketCounts(HANDLER_SECONDS_BUCKETS);
    const handler: Handler = {
      handle(record) {
        if (record.value === 'fail') throw new Error('boom');
      },
    };
    await runChunk(handler, chunkOf([dispatchRecord(0, '"fail"'), dispatchRecord(1, '"x"'), dispatchRecord(2, '{oops')], [1, 1, 0]), timings);
    expect(timings.count).toBe(1);
    expect(timings.sum).toBeGreaterThanOrEqual(0);
  });
});

describe('revokeKeys', () => {
  it('hands the hook, per partition, the keys of the records that ran, once', async () => {
    const calls: string[] = [];
    const handler: Handler = {
      handle: (record) => {
        if (record.value === 'fail') throw new Error('no');
      },
      revoke: ({ topic, partition, keys }) => {
        calls.push(`${topic}-${partition}: ${[...keys].map(String).sort().join(',')}`);
        return partition === 2 ? [{ key: 'w', value: { partial: true } }] : [];
      },
    };
    const keys = new PartitionKeys();
    const at = (partition: number, offset: number, key: string, value = '"x"'): DispatchRecord => ({ ...dispatchRecord(offset, value, {}, key), partition });
    // a record that failed ran too (its state may have moved); a skipped or undecodable one did not
    await runChunk(handler, chunkOf([at(1, 0, 'a'), at(1, 1, 'b', '"fail"'), at(1, 2, 'b'), at(2, 0, 'c'), at(1, 3, 'd', '{bad')], [1, 2, 2, 3, 4]), undefined, keys);
    const outcomes = await revokeKeys(handler, keys, { topic: 't', partitions: [1, 2, 3] });
    expect(calls).toEqual(['t-1: a,b', 't-2: c']);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(outcomes[1]).toMatchObject({ outputs: [{ key: Buffer.from('w') }] });
    expect(await revokeKeys(handler, keys, { topic: 't', partitions: [1, 2] })).toEqual([]);
  });

  it('reports a throwing hook as failed, naming the partition', async () => {
    const handler: Handler = { handle: () => undefined, revoke: () => Promise.reject(new Error('disk full')) };
    const keys = new PartitionKeys();
    keys.add('t', 4, 'k');
    expect(await revokeKeys(handler, keys, { topic: 't', partitions: [4] })).toEqual([{ status: 'failed', error: 'revoke of t-4 (1 keys) failed: disk full' }]);
  });
});
