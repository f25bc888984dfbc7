import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ConsumerConfig, Kafka as KafkaClient } from '../types/index.js';
import { requireSrc } from './own-files.js';
import { legacyMessageSet, recordBatch } from './record-batches.js';

type RawBatch = {
  messages: unknown[];
  recordSet: Buffer | null;
  abortedTransactions: unknown[];
  isEmpty(): boolean;
  isEmptyDueToFiltering(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
};
const Batch = requireSrc('./consumer/batch.js') as new (topic: string, fetchedOffset: string, partitionData: Record<string, unknown>) => RawBatch;
const { Kafka } = createRequire(import.meta.url)('../index.js') as { Kafka: typeof KafkaClient };

const batchOf = (fetchedOffset: number, recordSet: Buffer, abortedTransactions: unknown[] = []) =>
  new Batch('t', String(fetchedOffset), { partition: 0, highWatermark: '100', messages: [], recordSet, abortedTransactions });

describe('a Batch with a raw record set', () => {
  it('takes its offsets from the record batch headers, without records', async () => {
    const set = Buffer.concat([await recordBatch(10, 5), await recordBatch(15, 3)]);
    const aborted = [{ producerId: '7', firstOffset: '11' }];
    const batch = batchOf(12, set, aborted);
    expect(batch.messages).toEqual([]);
    expect(batch.recordSet?.equals(set)).toBe(true);
    expect(batch.abortedTransactions).toEqual(aborted);
    expect({ empty: batch.isEmpty(), filtered: batch.isEmptyDueToFiltering(), first: batch.firstOffset(), last: batch.lastOffset() }).toEqual({
      empty: false,
      filtered: false,
      first: '12',
      last: '17',
    });
  });

  it('reads compressed batches by their headers too', async () => {
    const batch = batchOf(0, Buffer.concat([await recordBatch(0, 40, { compression: 1 }), await recordBatch(40, 2, { compression: 1 })]));
    expect([batch.firstOffset(), batch.lastOffset()]).toEqual(['0', '41']);
  });

  it('leaves a partial batch at the end out', async () => {
    const whole = await recordBatch(10, 5);
    const batch = batchOf(10, Buffer.concat([whole, (await recordBatch(15, 3)).subarray(0, 20)]));
    expect(batch.recordSet?.length).toBe(whole.length);
    expect(batch.lastOffset()).toBe('14');
  });

  it('is empty for an empty record set, and for one holding only a partial batch', async () => {
    expect(batchOf(0, Buffer.alloc(0)).isEmpty()).toBe(true);
    const partialOnly = batchOf(0, (await recordBatch(0, 3)).subarray(0, 30));
    expect({ empty: partialOnly.isEmpty(), filtered: partialOnly.isEmptyDueToFiltering(), length: partialOnly.recordSet?.length }).toEqual({ empty: true, filtered: false, length: 0 });
  });

  it('is empty due to filtering when every batch ends before the fetched offset', async () => {
    const stale = batchOf(20, await recordBatch(10, 5));
    expect({ empty: stale.isEmpty(), filtered: stale.isEmptyDueToFiltering(), last: stale.lastOffset() }).toEqual({ empty: true, filtered: true, last: '20' });
  });

  it('takes the offsets of a message format v0 set from its entries', () => {
    const batch = batchOf(5, legacyMessageSet([4, 5, 6, 7]));
    expect([batch.isEmpty(), batch.firstOffset(), batch.lastOffset()]).toEqual([false, '5', '7']);
  });

  it('keeps a Batch without a record set as upstream has it', () => {
    const batch = new Batch('t', '1', { partition: 0, highWatermark: '3', messages: [{ offset: '0' }, { offset: '1' }, { offset: '2' }] });
    expect({ recordSet: batch.recordSet, messages: batch.messages.length, first: batch.firstOffset(), last: batch.lastOffset() }).toEqual({ recordSet: null, messages: 2, first: '1', last: '2' });
  });
});

describe('a consumer with rawRecordSets', () => {
  // run() checks its options before it connects: no broker is needed (nothing listens on port 1)
  const config: ConsumerConfig = { groupId: 'g', rawRecordSets: true };
  const consumer = () => new Kafka({ brokers: ['127.0.0.1:1'], logLevel: 0 }).consumer(config);

  it('refuses eachMessage, which would never see a record', async () => {
    await expect(consumer().run({ eachMessage: async () => undefined })).rejects.toThrow(/rawRecordSets needs eachBatch with eachBatchAutoResolve: false/);
  });

  it('refuses eachBatch with auto-resolve, which would resolve records the callback has not read', async () => {
    await expect(consumer().run({ eachBatch: async () => undefined })).rejects.toMatchObject({ name: 'KafkaJSNonRetriableError' });
  });
});
