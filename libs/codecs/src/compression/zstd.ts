import { compress, decompress } from '@mongodb-js/zstd';
import { decompressFailed, type CompressionCodec } from './compression-codec.js';

// Kafka's default compression.zstd.level (ZSTD_CLEVEL_DEFAULT).
const zstdLevel = 3;

/**
 * Zstandard frames at level 3. Reads frames with or without a content size, so it accepts
 * what Java's streaming ZstdOutputStream writes.
 */
export const zstdCompression: CompressionCodec = {
  name: 'zstd',
  async compress(raw) {
    return compress(raw, zstdLevel);
  },
  async decompress(compressed) {
    try {
      return await decompress(compressed);
    } catch (error) {
      throw decompressFailed('zstd', error);
    }
  },
};
