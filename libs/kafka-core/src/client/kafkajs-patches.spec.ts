import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';

// patches/kafkajs+2.2.4.patch is applied by `patch-package` at install (root postinstall). If it
// did not run, producing is 2× slower and a large batch quadratic: fail loudly here instead.
const require = createRequire(import.meta.url);
const kafkajsRoot = require.resolve('kafkajs/package.json').replace(/package\.json$/, '');

describe('kafkajs carries our patches', () => {
  it.each([
    'src/producer/groupMessagesPerPartition.js',
    'src/protocol/encoder.js',
    'src/protocol/recordBatch/record/v0/index.js',
    'src/protocol/recordBatch/header/v0/index.js',
    'src/protocol/requests/produce/v3/request.js',
    'src/protocol/recordBatch/crc32C/crc32C.js',
    // consume side: the rawRecordSets consumer option (consumer-worker reads record sets in place)
    'src/index.js',
    'src/consumer/index.js',
    'src/consumer/consumerGroup.js',
    'src/consumer/batch.js',
    'src/broker/index.js',
    'src/protocol/requests/fetch/index.js',
    'src/protocol/requests/fetch/v11/response.js',
  ])('%s is patched', (file) => {
    expect(readFileSync(`${kafkajsRoot}${file}`, 'utf8')).toContain('lagscale patch');
  });

  it('groups 20,000 messages per partition in order', () => {
    const group = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (args: unknown) => Record<string, Array<{ value: number }>>;
    const messages = Array.from({ length: 20_000 }, (_, i) => ({ value: i, partition: i % 7 }));
    const partitionMetadata = Array.from({ length: 7 }, (_, partitionId) => ({ partitionId }));
    const grouped = group({ topic: 't', partitionMetadata, messages, partitioner: ({ message }: { message: { partition: number } }) => message.partition });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    for (const [partition, list] of Object.entries(grouped)) {
      expect(list.every((m, i) => m.value === Number(partition) + i * 7)).toBe(true);
    }
  });

  it('encodes a record with headers byte for byte as the Kafka format says', () => {
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: unknown) => { buffer: Buffer };
    const encoded = Record({ offsetDelta: 1, timestampDelta: 0, key: Buffer.from('k'), value: Buffer.from('vv'), headers: { a: 'x', b: ['y', 'z'] } }).buffer;
    // body length 21 (zigzag 42), attrs 0, tsDelta 0, offsetDelta 1 (zigzag 2), key len 1 (2) 'k', value len 2 (4) 'vv',
    // 3 headers (6): 'a'='x', 'b'='y', 'b'='z' (lengths zigzag-encoded: 1 → 2)
    const expected = Buffer.from([
      42, 0, 0, 2, 2, 0x6b, 4, 0x76, 0x76, 6, 2, 0x61, 2, 0x78, 2, 0x62, 2, 0x79, 2, 0x62, 2, 0x7a,
    ]);
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
  });

  it.each([0, 1, -1, 63, 64, -65, 300, 8_191, 1_000_000, -1_000_000, 2 ** 30 - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 40)])(
    'writes varint and varlong %d as zigzag LEB128',
    (value) => {
      const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => { writeVarInt(v: number): unknown; writeVarLong(v: number): unknown; buffer: Buffer };
      const reference = (v: bigint): string => {
        let z = v >= 0n ? v * 2n : -v * 2n - 1n;
        const bytes: number[] = [];
        while (z >= 0x80n) {
          bytes.push(Number(z & 0x7fn) | 0x80);
          z >>= 7n;
        }
        bytes.push(Number(z));
        return Buffer.from(bytes).toString('hex');
      };
      const asLong = new Encoder();
      asLong.writeVarLong(value);
      expect(asLong.buffer.toString('hex')).toBe(reference(BigInt(value)));
      if (value >= -(2 ** 31) && value < 2 ** 31) {
        const asInt = new Encoder();
        asInt.writeVarInt(value);
        expect(asInt.buffer.toString('hex')).toBe(reference(BigInt(value)));
      }
    },
  );

  it('computes CRC-32C as the bitwise definition does, at every length and alignment (slice-by-8)', () => {
    const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (buffer: Buffer) => number;
    const reference = (buffer: Buffer): number => {
      let crc = 0xffffffff;
      for (const byte of buffer) {
        crc ^= byte;
        for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283); // the standard check value
    let seed = 7;
    const bytes = Buffer.from(Array.from({ length: 2_100 }, () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) & 0xff));
    for (let length = 0; length <= 70; length += 1) {
      for (let start = 0; start < 9; start += 1) {
        const slice = bytes.subarray(start, start + length);
        expect(crc32C(slice)).toBe(reference(slice));
      }
    }
    expect(crc32C(bytes)).toBe(reference(bytes));
  });

  it.each(['', 'seq', 'x'.repeat(64), 'y'.repeat(65), 'grüße ☃', '日本', 'emoji 😀 pair', 'lone \ud800 surrogate'])(
    'writes the string %j with its UTF-8 length, as Buffer does',
    (text) => {
      const Encoder = require('kafkajs/src/protocol/encoder.js') as (new () => { writeVarIntString(v: string): unknown; writeVarIntBytes(v: string): unknown; buffer: Buffer }) & {
        sizeOfVarIntBytes(v: string): number;
      };
      const utf8 = Buffer.from(text, 'utf8');
      const expected = new Encoder();
      expected.writeVarIntBytes(utf8 as unknown as string);
      const asString = new Encoder();
      asString.writeVarIntString(text);
      const asBytes = new Encoder();
      asBytes.writeVarIntBytes(text);
      expect(asString.buffer.toString('hex')).toBe(expected.buffer.toString('hex'));
      expect(asBytes.buffer.toString('hex')).toBe(expected.buffer.toString('hex'));
      expect(Encoder.sizeOfVarIntBytes(text)).toBe(expected.buffer.length);
    },
  );

  it.each([0, 1])('writes a batch of records back to back exactly as a batch of separately encoded records (compression %i)', async (compression) => {
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch(args: unknown): Promise<{ buffer: Buffer }> };
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as ((args: unknown) => unknown) & { writeRecord(encoder: unknown, args: unknown): unknown };
    const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => unknown;
    const fields = Array.from({ length: 300 }, (_, i) => ({
      offsetDelta: i,
      timestampDelta: i * 3,
      key: i % 5 === 0 ? null : `key-${i}`,
      value: i % 7 === 0 ? null : Buffer.alloc(i % 150, i),
      headers: { seq: String(i), 'content-type': 'application/octet-stream', multi: ['a', Buffer.from('b')], 'grüße': 'ü' },
    }));
    const separate = await RecordBatch({ compression, records: fields.map((f) => Record(f)), lastOffsetDelta: 299, firstTimestamp: 1_000, maxTimestamp: 2_000 });
    const together = new Encoder();
    for (const f of fields) Record.writeRecord(together, f);
    const backToBack = await RecordBatch({ compression, recordsEncoder: together, recordCount: fields.length, lastOffsetDelta: 299, firstTimestamp: 1_000, maxTimestamp: 2_000 });
    expect(backToBack.buffer.toString('hex')).toBe(separate.buffer.toString('hex'));
  });

  describe('a Batch with a raw record set (rawRecordSets)', () => {
    type RawBatch = {
      messages: unknown[];
      recordSet: Buffer | null;
      isEmpty(): boolean;
      isEmptyDueToFiltering(): boolean;
      firstOffset(): string | null;
      lastOffset(): string;
    };
    const Batch = require('kafkajs/src/consumer/batch.js') as new (topic: string, fetchedOffset: string, partitionData: unknown) => RawBatch;
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch(args: unknown): Promise<{ buffer: Buffer }> };
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: unknown) => unknown;
    const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: number): unknown };
    const recordBatch = async (firstOffset: number, count: number) =>
      Buffer.from(
        (await RecordBatch({
          firstOffset: Long.fromValue(firstOffset),
          lastOffsetDelta: count - 1,
          records: Array.from({ length: count }, (_, i) => Record({ offsetDelta: i, key: null, value: Buffer.from(`v${i}`) })),
        })).buffer,
      );
    const batchOf = (fetchedOffset: number, recordSet: Buffer) =>
      new Batch('t', String(fetchedOffset), { partition: 0, highWatermark: '100', messages: [], recordSet, abortedTransactions: [] });

    it('takes its offsets from the record batch headers, without records', async () => {
      const set = Buffer.concat([await recordBatch(10, 5), await recordBatch(15, 3)]);
      const batch = batchOf(12, set);
      expect(batch.messages).toEqual([]);
      expect(batch.recordSet?.length).toBe(set.length);
      expect({ empty: batch.isEmpty(), first: batch.firstOffset(), last: batch.lastOffset() }).toEqual({ empty: false, first: '12', last: '17' });
    });

    it('leaves a partial batch at the end out', async () => {
      const whole = await recordBatch(10, 5);
      const set = Buffer.concat([whole, (await recordBatch(15, 3)).subarray(0, 20)]);
      const batch = batchOf(10, set);
      expect(batch.recordSet?.length).toBe(whole.length);
      expect(batch.lastOffset()).toBe('14');
    });

    it('is empty for an empty record set, and for batches wholly before the fetched offset', async () => {
      expect(batchOf(0, Buffer.alloc(0)).isEmpty()).toBe(true);
      const stale = batchOf(20, await recordBatch(10, 5));
      expect({ empty: stale.isEmpty(), filtered: stale.isEmptyDueToFiltering(), last: stale.lastOffset() }).toEqual({ empty: true, filtered: true, last: '20' });
    });

    it('refuses eachMessage, which would never see a record', async () => {
      const consumer = new kafkajs.Kafka({ brokers: ['127.0.0.1:1'], logLevel: 0 }).consumer({ groupId: 'g', rawRecordSets: true } as never);
      await expect(consumer.run({ eachMessage: async () => undefined })).rejects.toThrow(/rawRecordSets needs eachBatch/);
    });
  });
});
