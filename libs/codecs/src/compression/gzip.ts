import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { decompressFailed, type CompressionCodec } from './compression-codec.js';

const gzip = promisify(zlib.gzip);
// unzip, like kafkajs's own codec, also accepts zlib-wrapped deflate
const unzip = promisify(zlib.unzip);

/**
 * gzip at zlib's default level. kafkajs ships this codec itself, so `registerCompressionCodecs`
 * leaves it alone; here it completes `compressionCodecs` (and the compression benchmark).
 */
export const gzipCompression: CompressionCodec = {
  name: 'gzip',
  async compress(raw) {
    return gzip(raw);
  },
  async decompress(compressed) {
    try {
      return await unzip(compressed);
    } catch (error) {
      throw decompressFailed('gzip', error);
    }
  },
};
