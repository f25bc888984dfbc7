import { isUtf8 } from 'node:buffer';
import { CodecDecodeError, CodecError, describeValue } from '../errors.js';
import type { Codec } from './codec.js';

const contentType = 'text/plain; charset=utf-8';

/**
 * UTF-8 text. Encoding a non-string is rejected (`INVALID_VALUE`); lone surrogates are written
 * as U+FFFD. Decoding rejects bytes that are not valid UTF-8; an empty value is the empty string.
 */
export const stringCodec: Codec<string> = {
  name: 'string',
  contentType,
  encode(value) {
    if (typeof value !== 'string') {
      throw new CodecError('INVALID_VALUE', `string codec expects a string (got ${describeValue(value)})`);
    }
    return Buffer.from(value, 'utf8');
  },
  decode(bytes) {
    if (!isUtf8(bytes)) throw new CodecDecodeError('DECODE_FAILED', contentType, 'value is not valid UTF-8');
    return bytes.toString('utf8');
  },
};
