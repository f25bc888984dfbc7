import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipCompression } from './gzip.js';

describe('gzipCompression', () => {
  it('writes gzip members', async () => {
    const compressed = await gzipCompression.compress(Buffer.from('hello kafka'));
    expect(compressed.subarray(0, 2).toString('hex')).toBe('1f8b');
  });

  it('also reads zlib-wrapped deflate, as kafkajs does', async () => {
    const raw = Buffer.from('hello kafka '.repeat(50));
    expect(await gzipCompression.decompress(deflateSync(raw))).toEqual(raw);
  });
});
