import { compressionNames, type CompressionAlgorithm, type CompressionCodec, type CompressionName } from './compression-codec.js';
import { gzipCompression } from './gzip.js';
import { lz4Compression } from './lz4.js';
import { snappyCompression } from './snappy.js';
import { zstdCompression } from './zstd.js';

/** The compression codecs by name, as plain whole-buffer functions. */
export const compressionCodecs: { readonly [A in CompressionAlgorithm]: CompressionCodec } = Object.freeze({
  gzip: gzipCompression,
  snappy: snappyCompression,
  lz4: lz4Compression,
  zstd: zstdCompression,
});

export function isCompressionName(value: unknown): value is CompressionName {
  return typeof value === 'string' && (compressionNames as readonly string[]).includes(value);
}
