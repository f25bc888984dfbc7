import { bytesCodec, jsonCodec, msgpackCodec, stringCodec, type Codec } from '@lagscale/codecs';

/**
 * How the JSON `value` of an ingested record becomes Kafka bytes: `json` and `msgpack` store any
 * JSON value with that codec, `string` stores a JSON string as UTF-8, `base64` stores the bytes a
 * base64 string decodes to (the bytes codec). Chosen per request or per record.
 */
export const VALUE_ENCODINGS = ['json', 'msgpack', 'string', 'base64'] as const;

export type ValueEncoding = (typeof VALUE_ENCODINGS)[number];

export type EncodedValue = { ok: true; bytes: Buffer; contentType: string } | { ok: false; problem: string };

// Strict: Buffer.from(s, 'base64') skips characters it does not know, which would store
// something other than what the client meant without a word.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function encodeWith<T>(codec: Codec<T>, value: T): EncodedValue {
  return { ok: true, bytes: codec.encode(value), contentType: codec.contentType };
}

/**
 * Encodes one record value, or says what is wrong with it ("must be …", to follow the value's
 * path in an error message). Never throws on client input.
 */
export function encodeValue(value: unknown, encoding: ValueEncoding): EncodedValue {
  switch (encoding) {
    case 'json':
      // The value came out of JSON.parse, so JSON.stringify cannot fail on it.
      return encodeWith(jsonCodec, value);
    case 'msgpack':
      return encodeWith(msgpackCodec, value);
    case 'string':
      if (typeof value !== 'string') return { ok: false, problem: 'must be a string when valueEncoding is "string"' };
      return encodeWith(stringCodec, value);
    case 'base64':
      if (typeof value !== 'string' || !BASE64.test(value)) {
        return { ok: false, problem: 'must be a base64 string (A-Z a-z 0-9 + /, padded with =) when valueEncoding is "base64"' };
      }
      return encodeWith(bytesCodec, Buffer.from(value, 'base64'));
  }
}
