import kafkajs from 'kafkajs';
import { kafkajsFork } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { RecordArena } from './record-arena.js';
import { lastVarintEnd, readVarint, readVarlong, RecordSetError } from './record-format.js';
import { legacyMessages, recordSetSegments, type AbortedTransaction } from './record-set.js';
import { batchBytes, recordSet, type TestRecord } from '../../test-support/record-batch-fixtures.js';

// kafkajs's decoder (a plain consumer's path) as the reference; the batches come from its encoders.
const { Encoder, Decoder, MessageSet } = kafkajsFork().protocol;
const decodeMessages = kafkajsFork().protocol.decodeMessages as unknown as (decoder: unknown) => Promise<KafkaRecord[]>;

interface KafkaRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | null>;
  isControlRecord: boolean;
}

/** kafkajs's decoding of the same bytes, filtered as its Batch filters them (no aborted transactions here). */
async function kafkajsRecords(set: Buffer): Promise<KafkaRecord[]> {
  const framed = Buffer.alloc(4 + set.length);
  framed.writeInt32BE(set.length, 0);
  set.copy(framed, 4);
  return (await decodeMessages(new Decoder(framed))).filter((r) => !r.isControlRecord);
}

function lastHeaderValues(headers: KafkaRecord['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== null && last !== undefined) out[name] = last.toString('utf8');
  }
  return out;
}

function arenaOf(segments: Awaited<ReturnType<typeof recordSetSegments>>, from = 0, limit = Infinity) {
  if (segments === undefined) throw new Error('expected message format v2');
  const { arena, offsets } = RecordArena.fromSegments(segments, from, limit);
  // read as a worker thread does: from the shared buffer alone
  return { arena: RecordArena.attach(arena.buffer, arena.headerNames, arena.data), offsets };
}

/** FNV-1a (32 bits) of a key's bytes, written out byte by byte as its definition has it; undefined for a null key. */
function referenceKeyHash(key: Buffer | null): number | undefined {
  if (key === null) return undefined;
  let hash = 2_166_136_261;
  for (const byte of key) hash = Number((BigInt((hash ^ byte) >>> 0) * 16_777_619n) % 2n ** 32n);
  return hash;
}

/** The record set as kafkajs hands it over with `sharedResponseBuffers`: a view into a SharedArrayBuffer (a fetch response), not at its start. */
function inSharedResponse(set: Buffer): Buffer {
  const response = Buffer.from(new SharedArrayBuffer(set.length + 100));
  set.copy(response, 37);
  return response.subarray(37, 37 + set.length);
}

const mixed: TestRecord[] = [
  { key: Buffer.from('user-1'), value: Buffer.from('{"a":1}'), headers: { 'content-type': 'application/json' } },
  { key: null, value: Buffer.from('keyless'), timestampDelta: 5 },
  { key: Buffer.from('user-2'), value: null, headers: { h: ['first', 'last'], 'grüße-☃': 'wert ✓ 日本' }, timestampDelta: -3 },
  { key: Buffer.alloc(0), value: Buffer.alloc(0), timestampDelta: 2 ** 40 },
  { key: Buffer.from([0xff, 0x00, 0x80]), value: Buffer.alloc(300, 7), timestampDelta: 1 },
];

describe('reading fetched record sets', () => {
  it('reads what kafkajs decodes: offsets, timestamps, keys, values, last header values, over plain and gzip batches', async () => {
    const set = await recordSet(
      { baseOffset: 100, records: mixed },
      { baseOffset: 105, records: mixed, compression: kafkajs.CompressionTypes.GZIP, baseTimestamp: 1_600_000_000_000 },
      { baseOffset: 2 ** 40, records: mixed.slice(0, 2) },
    );
    const expected = await kafkajsRecords(set);
    expect(expected).toHaveLength(12);
    const { arena, offsets } = arenaOf(await recordSetSegments(set));
    expect(arena.count).toBe(12);
    expect(offsets).toEqual(expected.map((r) => Number(r.offset)));
    expected.forEach((record, slot) => {
      expect(arena.key(slot)).toEqual(record.key);
      expect(arena.keyLatin1(slot)).toBe(record.key === null ? null : record.key.toString('latin1'));
      expect(arena.keyHash(slot)).toBe(referenceKeyHash(record.key));
      expect(arena.value(slot)).toEqual(record.value);
      expect(arena.timestampMs(slot)).toBe(Number(record.timestamp));
      expect(arena.headersText(slot)).toEqual(lastHeaderValues(record.headers));
      expect(arena.dataBytes(slot)).toBe((record.key?.length ?? 0) + (record.value?.length ?? 0));
    });
    expect(arena.headers(2)).toEqual({ h: Buffer.from('last'), 'grüße-☃': Buffer.from('wert ✓ 日本') });
  });

  it('takes records from the fetch offset on (a fetch can start mid-batch), at most `limit`', async () => {
    const set = await recordSet({ baseOffset: 10, records: mixed }, { baseOffset: 15, records: mixed });
    const segments = await recordSetSegments(set);
    expect(arenaOf(segments, 12).offsets).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(arenaOf(segments, 12, 4).offsets).toEqual([12, 13, 14, 15]);
    expect(arenaOf(segments, 20).offsets).toEqual([]);
    const { arena } = arenaOf(segments, 13, 1);
    expect(arena.count).toBe(1);
    expect(arena.value(0)).toEqual(Buffer.alloc(0));
  });

  it('copies only the bytes of the records it takes', async () => {
    const big = Array.from({ length: 200 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(1_000, i) }));
    const set = await recordSet({ baseOffset: 0, records: big }, { baseOffset: 200, records: big });
    expect(set.length).toBeGreaterThan(400_000);
    const { arena, offsets } = arenaOf(await recordSetSegments(set), 150, 100);
    expect(offsets).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));
    expect(arena.buffer.byteLength).toBeLessThan(100 * 1_100);
    expect(arena.value(0)).toEqual(Buffer.alloc(1_000, 150));
    expect(arena.value(99)).toEqual(Buffer.alloc(1_000, 49));
    expect(arena.keyLatin1(99)).toBe('k49');
  });

  it('points into a shared fetch response instead of copying it, when it takes every record there', async () => {
    const set = await recordSet({ baseOffset: 100, records: mixed }, { baseOffset: 105, records: mixed });
    const shared = inSharedResponse(set);
    const expected = await kafkajsRecords(set);
    const { arena, offsets } = arenaOf(await recordSetSegments(shared), 102);
    expect(arena.data).toBe(shared.buffer);
    // its own buffer holds the head and the index only: a few float64s per record of the set
    // (the index is written in place, sized before the records before offset 102 are passed)
    expect(arena.buffer.byteLength).toBeLessThanOrEqual(8 * 4 + 10 * 8 * 8);
    expect(offsets).toEqual(expected.slice(2).map((r) => Number(r.offset)));
    expected.slice(2).forEach((record, slot) => {
      expect(arena.key(slot)).toEqual(record.key);
      expect(arena.keyHash(slot)).toBe(referenceKeyHash(record.key));
      expect(arena.value(slot)).toEqual(record.value);
      expect(arena.timestampMs(slot)).toBe(Number(record.timestamp));
      expect(arena.headersText(slot)).toEqual(lastHeaderValues(record.headers));
      expect(arena.dataBytes(slot)).toBe((record.key?.length ?? 0) + (record.value?.length ?? 0));
    });
  });

  it('copies from a shared fetch response when the limit leaves records out, or a batch was decompressed', async () => {
    const plain = await recordSet({ baseOffset: 0, records: mixed }, { baseOffset: 5, records: mixed });
    const cut = arenaOf(await recordSetSegments(inSharedResponse(plain)), 0, 6);
    expect(cut.arena.data).toBeUndefined();
    expect(cut.offsets).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cut.arena.value(5)).toEqual(mixed[0]?.value);
    const gzip = await recordSet({ baseOffset: 0, records: mixed }, { baseOffset: 5, records: mixed, compression: kafkajs.CompressionTypes.GZIP });
    const expected = await kafkajsRecords(gzip);
    const { arena, offsets } = arenaOf(await recordSetSegments(inSharedResponse(gzip)));
    expect(arena.data).toBeUndefined();
    expect(offsets).toEqual(expected.map((r) => Number(r.offset)));
    expected.forEach((record, slot) => expect(arena.value(slot)).toEqual(record.value));
  });

  it('reads repeated header bytes once per run of records, yet hands every record headers of its own', async () => {
    const same = { 'content-type': 'application/octet-stream', trace: 'a' };
    const records: TestRecord[] = [
      { key: Buffer.from('k0'), value: Buffer.from('v'), headers: same },
      { key: Buffer.from('k1'), value: Buffer.from('v'), headers: same },
      { key: Buffer.from('k2'), value: Buffer.from('v'), headers: { ...same, trace: 'b' } },
      { key: Buffer.from('k3'), value: Buffer.from('v') },
      { key: Buffer.from('k4'), value: Buffer.from('v'), headers: same },
      { key: Buffer.from('k5'), value: Buffer.from('v'), headers: { 'content-type': 'application/octet-stream', trace: 'ab' } },
    ];
    const { arena } = arenaOf(await recordSetSegments(await recordSet({ baseOffset: 0, records })));
    const first = arena.headersText(0);
    const second = arena.headersText(1);
    expect(second).toEqual(same);
    expect(second).not.toBe(first);
    second.trace = 'changed by a handler';
    expect(arena.headersText(0)).toEqual(same);
    expect(arena.headersText(2)).toEqual({ ...same, trace: 'b' });
    expect(arena.headersText(3)).toEqual({});
    expect(arena.headersText(4)).toEqual(same);
    expect(arena.headersText(5)).toEqual({ 'content-type': 'application/octet-stream', trace: 'ab' });
    expect(arena.headersText(1)).toEqual(same);
  });

  it('keeps gaps in offsets (compaction) as they are', async () => {
    const set = await recordSet({ baseOffset: 0, records: [{ key: null, value: Buffer.from('a'), offsetDelta: 0 }, { key: null, value: Buffer.from('b'), offsetDelta: 7 }] });
    expect(arenaOf(await recordSetSegments(set)).offsets).toEqual([0, 7]);
  });

  it('ignores a partial batch at the end, as the broker may cut one off at its byte limit', async () => {
    const set = await recordSet({ baseOffset: 0, records: mixed }, { baseOffset: 5, records: mixed });
    const first = await batchBytes({ baseOffset: 0, records: mixed });
    const segments = await recordSetSegments(set.subarray(0, set.length - 10));
    expect(segments).toHaveLength(1);
    expect(segments?.[0]?.count).toBe(5);
    expect(await recordSetSegments(set.subarray(0, first.length + 11))).toHaveLength(1);
  });

  it('leaves out transaction markers and the batches of aborted transactions (read_committed)', async () => {
    const value = (text: string) => ({ key: Buffer.from('k'), value: Buffer.from(text) });
    const set = await recordSet(
      { baseOffset: 0, records: [value('committed-1')], transactional: true, producerId: 7 },
      { baseOffset: 1, records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6) }], control: true, transactional: true, producerId: 7 },
      { baseOffset: 2, records: [value('aborted-1'), value('aborted-2')], transactional: true, producerId: 9 },
      { baseOffset: 4, records: [value('plain')] },
      { baseOffset: 5, records: [{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.alloc(6) }], control: true, transactional: true, producerId: 9 },
      { baseOffset: 6, records: [value('committed-2')], transactional: true, producerId: 9 },
    );
    const aborted: AbortedTransaction[] = [{ producerId: '9', firstOffset: '2' }];
    const { arena, offsets } = arenaOf(await recordSetSegments(set, aborted));
    expect(offsets).toEqual([0, 4, 6]);
    expect([0, 1, 2].map((slot) => arena.value(slot)?.toString())).toEqual(['committed-1', 'plain', 'committed-2']);
    // without the aborted list (read_uncommitted) only the markers go
    expect(arenaOf(await recordSetSegments(set)).offsets).toEqual([0, 2, 3, 4, 6]);
  });

  it('gives every record the append time on a LogAppendTime topic', async () => {
    const set = await recordSet({ baseOffset: 0, records: mixed.slice(0, 3), logAppendTime: 1_800_000_000_000 });
    const { arena } = arenaOf(await recordSetSegments(set));
    expect([0, 1, 2].map((slot) => arena.timestampMs(slot))).toEqual([1_800_000_000_000, 1_800_000_000_000, 1_800_000_000_000]);
  });

  it('hands message formats v0/v1 to the decoder of kafkajs, filtered as a plain consumer gets them', async () => {
    const entries = ['a', 'b', 'c', 'd'].map((v, i) => ({ key: `k${i}`, value: v, timestamp: 1_700_000_000_000 + i }));
    const set = Buffer.from(MessageSet({ messageVersion: 1, compression: 0, entries }).buffer);
    // a producer's set carries offset -1; the broker's log has real ones
    for (let at = 0, offset = 40; at < set.length; offset += 1) {
      set.writeBigInt64BE(BigInt(offset), at);
      at += 12 + set.readInt32BE(at + 8);
    }
    expect(await recordSetSegments(set)).toBeUndefined();
    const messages = await legacyMessages(set, '41', []);
    expect(messages.map((m) => [m.offset, m.key?.toString(), m.value?.toString(), m.timestamp])).toEqual([
      ['41', 'k1', 'b', '1700000000001'],
      ['42', 'k2', 'c', '1700000000002'],
      ['43', 'k3', 'd', '1700000000003'],
    ]);
  });

  it('refuses an unknown message format and corrupt records with a RecordSetError', async () => {
    const future = await batchBytes({ baseOffset: 3, records: mixed });
    future.writeInt8(3, 16);
    await expect(recordSetSegments(future)).rejects.toThrow(RecordSetError);
    await expect(recordSetSegments(future)).rejects.toThrow(/message format v3/);
    const corrupt = await batchBytes({ baseOffset: 0, records: mixed.slice(0, 1) });
    corrupt.writeUInt8(0x7e, 61); // the record's length varint: 63 bytes, past the batch's end
    const segments = await recordSetSegments(corrupt);
    expect(() => RecordArena.fromSegments(segments ?? [], 0, 10)).toThrow(RecordSetError);
  });

  it('reads zigzag varints and varlongs as kafkajs writes them', () => {
    const ints = [0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31)];
    for (const value of ints) {
      const encoder = new Encoder();
      encoder.writeVarInt(value);
      expect(readVarint(encoder.buffer, 0)).toBe(value);
      expect(lastVarintEnd()).toBe(encoder.buffer.length);
    }
    const longs = [0, -1, 1, 63, -64, 64, -65, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, -(2 ** 45), 2 ** 52 - 1, -(2 ** 52)];
    for (const value of longs) {
      const encoder = new Encoder();
      encoder.writeVarLong(value);
      expect(readVarlong(encoder.buffer, 0)).toBe(value);
      expect(lastVarintEnd()).toBe(encoder.buffer.length);
    }
  });
});
