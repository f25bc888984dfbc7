import { Packr, type Options } from 'msgpackr';
import { CodecDecodeError, CodecError, describeValue, errorMessage } from '../errors.js';
import type { Codec } from './codec.js';

const contentType = 'application/msgpack';

// msgpackr 2.1.3 implements `skipValues` and `int64AsType: 'auto'` but its typings omit them.
type PackrOptions = Omit<Options, 'int64AsType'> & {
  skipValues?: { includes(value: unknown): boolean };
  int64AsType?: Options['int64AsType'] | 'auto';
};

// Standard MessagePack only, so Java/Go/Python consumers can read what we write:
// - useRecords false: msgpackr's record extension is msgpackr-specific;
// - properties JSON would drop (undefined, function, symbol) are dropped, and an undefined array
//   item is nil, not msgpackr's private ext 0 (skipping costs some encode speed: decision 0013);
// - int64AsType 'auto': an int64 from another language (a Java long timestamp) decodes as a
//   number when it is exact, as a bigint only when a number would lose precision;
// - copyBuffers: a decoded bin field is a copy, not a view that would pin the whole fetch
//   response kafkajs read it from (and change if that buffer is reused);
// - useToJSON stays on: an object with toJSON() encodes as in the json codec, so switching
//   codecs does not change a message's shape (Dates and Buffers keep their native types).
const packrOptions: PackrOptions = {
  useRecords: false,
  mapsAsObjects: true,
  moreTypes: false,
  skipValues: { includes: (value) => value === undefined || typeof value === 'function' || typeof value === 'symbol' },
  encodeUndefinedAsNil: true,
  int64AsType: 'auto',
  copyBuffers: true,
};
const packr = new Packr(packrOptions as Options);

/**
 * MessagePack via msgpackr, standard types only. What round-trips and how:
 * - Buffer / Uint8Array → bin → Buffer (a copy);
 * - Date → timestamp extension (-1) → Date, millisecond precision;
 * - bigint within int64/uint64 → int64 → number if |v| ≤ 2^53, else bigint; larger bigints
 *   are rejected (`INVALID_VALUE`);
 * - a class instance with toJSON() → whatever toJSON returns, as in the json codec;
 * - Map → map → plain object; Set → array;
 * - undefined, function and symbol properties are dropped and undefined array items are nil,
 *   as in JSON;
 * - a top-level undefined/function/symbol is rejected (`INVALID_VALUE`).
 * Decoding rejects trailing bytes after the value and truncated input.
 */
export const msgpackCodec: Codec<unknown> = {
  name: 'msgpack',
  contentType,
  encode(value) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
      throw new CodecError('INVALID_VALUE', `msgpack codec cannot encode a top-level ${describeValue(value)}`);
    }
    try {
      return packr.pack(value);
    } catch (error) {
      throw new CodecError('INVALID_VALUE', `msgpack codec cannot encode this value: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  },
  decode(bytes) {
    if (bytes.length === 0) throw new CodecDecodeError('EMPTY_VALUE', contentType, 'empty value is not MessagePack');
    try {
      return packr.unpack(bytes) as unknown;
    } catch (error) {
      throw new CodecDecodeError('DECODE_FAILED', contentType, `invalid MessagePack: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  },
};
