import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

type Fields = { offsetDelta?: number; timestampDelta?: number; key: string | Buffer | null; value: string | Buffer | null; headers?: Record<string, string | Buffer | Array<string | Buffer>> };
interface Encoder {
  readonly buffer: Buffer;
}
const Encoder = requireSrc('./protocol/encoder.js') as new () => Encoder;
const Record = requireSrc('./protocol/recordBatch/record/v0/index.js') as ((fields: Fields) => Encoder) & {
  writeRecord(encoder: Encoder, fields: Fields): Encoder;
};
const { RecordBatch } = requireSrc('./protocol/recordBatch/v0/index.js') as { RecordBatch(args: Record<string, unknown>): Promise<Encoder> };
const decodeRecordBatch = requireSrc('./protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<{
  firstOffset: string;
  lastOffsetDelta: number;
  records: Array<{ offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> }>;
}>;
interface Decoder {
  readString(): string | null;
  readInt16(): number;
  readInt32(): number;
  readBytes(length: number): Buffer;
  readArray<T>(reader: (decoder: Decoder) => T): T[];
}
const Decoder = requireSrc('./protocol/decoder.js') as new (buffer: Buffer) => Decoder;
const produceRequest = requireSrc('./protocol/requests/produce/v3/request.js') as (args: Record<string, unknown>) => { encode(): Promise<Encoder> };
const crc32C = requireSrc('./protocol/recordBatch/crc32C/crc32C.js') as (buffer: Buffer) => number;

const GZIP = 1;

function recordFields(count: number): Fields[] {
  return Array.from({ length: count }, (_, i) => ({
    offsetDelta: i,
    timestampDelta: i * 3,
    key: i % 5 === 0 ? null : `key-${i}`,
    value: i % 7 === 0 ? null : Buffer.alloc(i % 150, i),
    headers: { seq: String(i), 'content-type': 'application/octet-stream', multi: ['a', Buffer.from('b')], grüße: 'ü' },
  }));
}

describe('record encoding', () => {
  it('encodes a record with headers byte for byte as the Kafka record format says', () => {
    const encoded = Record({ offsetDelta: 1, timestampDelta: 0, key: Buffer.from('k'), value: Buffer.from('vv'), headers: { a: 'x', b: ['y', 'z'] } }).buffer;
    // body length 21 (zigzag 42), attributes 0, timestampDelta 0, offsetDelta 1 (zigzag 2), key length 1 (2) 'k',
    // value length 2 (4) 'vv', 3 headers (6): 'a'='x', 'b'='y', 'b'='z' (lengths zigzag-encoded: 1 → 2)
    const expected = Buffer.from([42, 0, 0, 2, 2, 0x6b, 4, 0x76, 0x76, 6, 2, 0x61, 2, 0x78, 2, 0x62, 2, 0x79, 2, 0x62, 2, 0x7a]);
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
  });

  it('writes a headers object\'s own keys only, as Object.keys gives them', () => {
    const inherited = Object.create({ leaked: 'from the prototype' }) as Record<string, string>;
    inherited.a = 'x';
    const plain = Record({ key: null, value: null, headers: { a: 'x' } }).buffer;
    expect(Record({ key: null, value: null, headers: inherited }).buffer.toString('hex')).toBe(plain.toString('hex'));
  });

  it('encodes a record without headers, key or value', () => {
    // body length 6 (zigzag 12), attributes 0, timestampDelta 0, offsetDelta 0, key -1 (1), value -1 (1), 0 headers
    expect(Record({ key: null, value: null }).buffer.toString('hex')).toBe('0c0000000101' + '00');
  });

  it.each([
    { compression: 0, name: 'uncompressed' },
    { compression: GZIP, name: 'gzip' },
  ])('writes a batch of records back to back exactly as a batch of separately encoded records ($name)', async ({ compression }) => {
    const fields = recordFields(300);
    const batch = { compression, lastOffsetDelta: 299, firstTimestamp: 1_000, maxTimestamp: 2_000 };
    const separate = await RecordBatch({ ...batch, records: fields.map((f) => Record(f)) });
    const together = new Encoder();
    for (const f of fields) Record.writeRecord(together, f);
    const backToBack = await RecordBatch({ ...batch, recordsEncoder: together, recordCount: fields.length });
    expect(backToBack.buffer.toString('hex')).toBe(separate.buffer.toString('hex'));
  });

  it.each([
    { compression: 0, name: 'uncompressed' },
    { compression: GZIP, name: 'gzip' },
  ])('produces a request whose record batch decodes to the messages sent, with a valid CRC ($name)', async ({ compression }) => {
    const messages = Array.from({ length: 250 }, (_, i) => ({
      key: i % 4 === 0 ? null : `k${i}`,
      value: i % 9 === 0 ? null : `value ${i} ${'é'.repeat(i % 5)}`,
      headers: i % 3 === 0 ? undefined : { seq: String(i), list: ['x', `y${i}`] },
      timestamp: String(1_700_000_000_000 + i),
    }));
    const request = produceRequest({ acks: 1, timeout: 30_000, compression, topicData: [{ topic: 'orders', partitions: [{ partition: 3, firstSequence: 0, messages }] }] });
    const decoder = new Decoder((await request.encode()).buffer);
    expect([decoder.readString(), decoder.readInt16(), decoder.readInt32()]).toEqual([null, 1, 30_000]);
    const [topic] = decoder.readArray((d) => ({ name: d.readString(), partitions: d.readArray((p) => ({ partition: p.readInt32(), recordSet: p.readBytes(p.readInt32()) })) }));
    const { recordSet } = topic?.partitions[0] ?? { recordSet: Buffer.alloc(0) };
    expect({ name: topic?.name, partition: topic?.partitions[0]?.partition }).toEqual({ name: 'orders', partition: 3 });

    // CRC-32C covers the batch from its attributes (byte 21) to the end
    expect(recordSet.readUInt32BE(17)).toBe(crc32C(recordSet.subarray(21)));
    expect(recordSet.readUInt16BE(21) & 0x07).toBe(compression);

    const batch = await decodeRecordBatch(new Decoder(recordSet));
    expect(batch.lastOffsetDelta).toBe(249);
    expect(batch.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers: r.headers }))).toEqual(
      messages.map((m, i) => ({
        offset: String(i),
        timestamp: m.timestamp,
        key: m.key,
        value: m.value,
        headers: m.headers === undefined ? {} : { seq: Buffer.from(m.headers.seq), list: m.headers.list.map((v) => Buffer.from(v)) },
      })),
    );
  });

  it('writes the smallest timestamp as the batch\'s first and the largest as its max, whatever the order of the messages', async () => {
    const stamps = ['1700000000500', 1_700_000_000_100, '1700000000900', undefined, '1700000000300'];
    const messages = stamps.map((timestamp, i) => ({ key: `k${i}`, value: `v${i}`, timestamp }));
    const request = produceRequest({ acks: 1, timeout: 30_000, compression: 0, topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }] });
    const decoder = new Decoder((await request.encode()).buffer);
    decoder.readString();
    decoder.readInt16();
    decoder.readInt32();
    const [topic] = decoder.readArray((d) => ({ name: d.readString(), partitions: d.readArray((p) => ({ partition: p.readInt32(), recordSet: p.readBytes(p.readInt32()) })) }));
    const recordSet = topic?.partitions[0]?.recordSet ?? Buffer.alloc(0);
    // batch header: baseOffset 8, length 4, leader epoch 4, magic 1, crc 4, attributes 2, lastOffsetDelta 4, then the two timestamps
    expect(recordSet.readBigInt64BE(27)).toBe(1_700_000_000_100n);
    expect(recordSet.readBigInt64BE(35)).toBe(1_700_000_000_900n);
    const batch = await decodeRecordBatch(new Decoder(recordSet));
    const given = batch.records.map((r) => r.timestamp);
    expect(given.filter((_, i) => i !== 3)).toEqual(['1700000000500', '1700000000100', '1700000000900', '1700000000300']);
  });
});
