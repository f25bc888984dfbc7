import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../errors.js';
import { compressionNames, syncMaxBytes } from './compression-codec.js';
import { compressionCodecs, isCompressionName } from './registry.js';

const oneMb = 1 << 20;

// ~1 MB of JSON lines that look like real events: compressible, but not trivially.
function compressibleMegabyte(): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < oneMb; i++) {
    const line = JSON.stringify({ id: `evt-${i}`, user: `user-${(i * 7919) % 5000}`, type: ['click', 'view', 'buy'][i % 3], ts: 1_700_000_000_000 + i * 37, amount: (i % 1000) / 10 });
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n')).subarray(0, oneMb);
}

// Inputs up to syncMaxBytes take the synchronous native path, larger ones the async one.
const inputs = [
  { label: 'empty', bytes: Buffer.alloc(0) },
  { label: 'small', bytes: Buffer.from('{"hello":"kafka"}') },
  { label: 'sync-limit random', bytes: randomBytes(syncMaxBytes) },
  { label: 'just past the sync limit', bytes: compressibleMegabyte().subarray(0, syncMaxBytes + 1) },
  { label: '1 MB random', bytes: randomBytes(oneMb) },
  { label: '1 MB compressible', bytes: compressibleMegabyte() },
];

const algorithms = compressionNames.filter((name) => name !== 'none');

describe('compression codecs', () => {
  it('has one codec per algorithm, each knowing its own name', () => {
    expect(Object.keys(compressionCodecs).sort()).toEqual([...algorithms].sort());
    for (const name of algorithms) expect(compressionCodecs[name].name).toBe(name);
  });

  describe.each(algorithms)('%s', (name) => {
    const codec = compressionCodecs[name];

    it.each(inputs)('round-trips $label input', async ({ bytes }) => {
      const compressed = await codec.compress(bytes);
      expect(Buffer.isBuffer(compressed)).toBe(true);
      const decompressed = await codec.decompress(compressed);
      // Buffer#equals: toEqual walks a megabyte byte by byte for seconds
      expect(decompressed.length).toBe(bytes.length);
      expect(decompressed.equals(bytes)).toBe(true);
    });

    it('shrinks compressible input at least 3x', async () => {
      const bytes = compressibleMegabyte();
      const compressed = await codec.compress(bytes);
      expect(compressed.length * 3).toBeLessThan(bytes.length);
    });

    it('does not inflate random input by more than 1%', async () => {
      const bytes = randomBytes(oneMb);
      expect((await codec.compress(bytes)).length).toBeLessThan(bytes.length * 1.01);
    });

    it.each([
      { label: 'garbage', bytes: Buffer.from('definitely not compressed data, just text') },
      { label: 'random bytes', bytes: randomBytes(4096) },
    ])('rejects $label with DECOMPRESS_FAILED', async ({ bytes }) => {
      const error: unknown = await codec.decompress(bytes).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(CodecError);
      expect(error).toMatchObject({ code: 'DECOMPRESS_FAILED', message: new RegExp(`^${name} `) });
    });

    it('rejects truncated output of its own compressor', async () => {
      const compressed = await codec.compress(compressibleMegabyte());
      await expect(codec.decompress(compressed.subarray(0, compressed.length >> 1))).rejects.toMatchObject({
        code: 'DECOMPRESS_FAILED',
      });
    });
  });

  it('tells compression names from other strings', () => {
    expect(isCompressionName('zstd')).toBe(true);
    expect(isCompressionName('none')).toBe(true);
    expect(isCompressionName('brotli')).toBe(false);
    expect(isCompressionName(undefined)).toBe(false);
  });
});
