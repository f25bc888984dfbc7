import { isUtf8 } from 'node:buffer';
import { CodecDecodeError, CodecError, describeValue, errorMessage } from '../errors.js';
import type { Codec } from './codec.js';

const contentType = 'application/json';

/**
 * JSON as UTF-8 bytes. Encoding follows `JSON.stringify`: Dates become ISO strings, Buffers
 * become `{ type: 'Buffer', data: [...] }`, undefined properties are dropped, NaN becomes null;
 * a top-level undefined/function/symbol, a bigint or a cycle is rejected (`INVALID_VALUE`).
 * Decoding rejects bytes that are not valid UTF-8 rather than silently replacing them.
 */
export const jsonCodec: Codec<unknown> = {
  name: 'json',
  contentType,
  encode(value) {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      // bigint and cyclic structures land here as TypeErrors
      throw new CodecError('INVALID_VALUE', `json codec cannot encode this value: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    if (text === undefined) {
      throw new CodecError('INVALID_VALUE', `json codec cannot encode a top-level ${describeValue(value)}`);
    }
    return Buffer.from(text, 'utf8');
  },
  decode(bytes) {
    if (bytes.length === 0) throw new CodecDecodeError('EMPTY_VALUE', contentType, 'empty value is not JSON');
    // toString() would swap invalid sequences for U+FFFD and JSON.parse would accept the result
    if (!isUtf8(bytes)) throw new CodecDecodeError('DECODE_FAILED', contentType, 'value is not valid UTF-8');
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (error) {
      throw new CodecDecodeError('DECODE_FAILED', contentType, `invalid JSON: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  },
};
