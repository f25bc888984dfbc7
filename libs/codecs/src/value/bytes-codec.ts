import { CodecError, describeValue } from '../errors.js';
import type { Codec } from './codec.js';

/**
 * Opaque bytes, passed through untouched: `encode` and `decode` return the very Buffer they
 * are given (no copy), so a decoded value shares memory with the record it came from. Encoding
 * anything but a Buffer is rejected (`INVALID_VALUE`); decoding never fails.
 */
export const bytesCodec: Codec<Buffer> = {
  name: 'bytes',
  contentType: 'application/octet-stream',
  encode(value) {
    if (!Buffer.isBuffer(value)) {
      throw new CodecError('INVALID_VALUE', `bytes codec expects a Buffer (got ${describeValue(value)})`);
    }
    return value;
  },
  decode(bytes) {
    return bytes;
  },
};
