import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { registerLazyCompressionCodecs } from './compression.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;
const { Record, RecordBatch, decodeRecordBatch, Decoder } = kafkajs.lagscale.protocol;

const originals = { ...CompressionCodecs };
// The codec table is process-global: hand it back as we found it.
afterAll(() => {
  Object.assign(CompressionCodecs, originals);
});

describe('registerLazyCompressionCodecs', () => {
  it.each([
    { name: 'snappy', type: CompressionTypes.Snappy },
    { name: 'lz4', type: CompressionTypes.LZ4 },
    { name: 'zstd', type: CompressionTypes.ZSTD },
  ])('lets kafkajs encode and decode a $name record batch, loading the codec on first use', async ({ type }) => {
    registerLazyCompressionCodecs();
    const values = Array.from({ length: 20 }, (_, i) => Buffer.from(`value ${i} ${'x'.repeat(i)}`));
    const encoded = await RecordBatch({ compression: type, records: values.map((value, i) => Record({ offsetDelta: i, key: null, value })) });
    expect(encoded.buffer.readInt16BE(21) & 0x07).toBe(type);
    const batch = await decodeRecordBatch(new Decoder(encoded.buffer));
    expect(batch.records.map((record) => record.value)).toEqual(values);
  });

  it('leaves the loaded codecs installed when called again', async () => {
    registerLazyCompressionCodecs();
    await CompressionCodecs[CompressionTypes.Snappy]().compress({ buffer: Buffer.from('load') });
    const loaded = CompressionCodecs[CompressionTypes.Snappy];
    registerLazyCompressionCodecs();
    expect(CompressionCodecs[CompressionTypes.Snappy]).toBe(loaded);
  });
});
