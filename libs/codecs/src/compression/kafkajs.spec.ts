import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { CodecError } from '../errors.js';
import { compressionTypeFromName, registerCompressionCodecs } from './kafkajs.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;

// kafkajs's own record-batch encoder and decoder, to prove our codecs fit its contract.
// (the lagscale fork's public protocol exports, vendor/kafkajs)
const { Record, RecordBatch, decodeRecordBatch, Decoder } = kafkajs.lagscale.protocol;

const registered = [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD] as const;
const originals = { ...CompressionCodecs };

// The codec table is process-global: hand it back as we found it.
afterAll(() => {
  Object.assign(CompressionCodecs, originals);
});

describe('registerCompressionCodecs', () => {
  it('installs snappy, lz4 and zstd and leaves kafkajs gzip alone', () => {
    const gzip = CompressionCodecs[CompressionTypes.GZIP];
    registerCompressionCodecs();
    for (const type of registered) {
      const codec = CompressionCodecs[type]() as { compress: unknown; decompress: unknown };
      expect(typeof codec.compress).toBe('function');
      expect(typeof codec.decompress).toBe('function');
    }
    expect(CompressionCodecs[CompressionTypes.GZIP]).toBe(gzip);
  });

  it('is idempotent', () => {
    registerCompressionCodecs();
    const first = registered.map((type) => CompressionCodecs[type]);
    registerCompressionCodecs();
    registerCompressionCodecs();
    expect(registered.map((type) => CompressionCodecs[type])).toEqual(first);
    registered.forEach((type, i) => expect(CompressionCodecs[type]).toBe(first[i]));
  });

  it.each([
    { name: 'gzip', type: CompressionTypes.GZIP },
    { name: 'snappy', type: CompressionTypes.Snappy },
    { name: 'lz4', type: CompressionTypes.LZ4 },
    { name: 'zstd', type: CompressionTypes.ZSTD },
  ])('lets kafkajs encode and decode a $name record batch', async ({ type }) => {
    registerCompressionCodecs();
    const values = Array.from({ length: 50 }, (_, i) =>
      Buffer.from(JSON.stringify({ id: i, event: 'click', pad: 'x'.repeat(i) })),
    );
    const records = values.map((value, i) =>
      Record({ offsetDelta: i, key: Buffer.from(`key-${i}`), value, headers: { 'content-type': 'application/json' } }),
    );
    const encoded = await RecordBatch({ compression: type, records });
    // attributes (int16 at byte 21 of the batch): the low 3 bits name the codec
    expect(encoded.buffer.readInt16BE(21) & 0x07).toBe(type);

    const batch = await decodeRecordBatch(new Decoder(encoded.buffer));
    expect(batch.records.map((record) => record.value)).toEqual(values);
    expect(batch.records[49]?.headers['content-type']?.toString()).toBe('application/json');
  });
});

describe('compressionTypeFromName', () => {
  it.each([
    { name: 'none', type: CompressionTypes.None },
    { name: 'gzip', type: CompressionTypes.GZIP },
    { name: 'snappy', type: CompressionTypes.Snappy },
    { name: 'lz4', type: CompressionTypes.LZ4 },
    { name: 'zstd', type: CompressionTypes.ZSTD },
  ])('$name → $type', ({ name, type }) => {
    expect(compressionTypeFromName(name)).toBe(type);
  });

  it.each(['brotli', 'LZ4', '', 'toString'])('rejects %j, listing the valid names', (name) => {
    expect(() => compressionTypeFromName(name)).toThrow(CodecError);
    expect(() => compressionTypeFromName(name)).toThrow(
      `unknown compression "${name}" (expected one of: none, gzip, snappy, lz4, zstd)`,
    );
  });
});
