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

/**
 * Bounds on a JSON value the gateway encodes. Deeper values are refused: encoders (and most
 * consumers' decoders) recurse once per level, and a body of a few kilobytes of "[" would
 * otherwise overflow the stack; 64 levels is more than any real document uses.
 */
export const defaultValueLimits = { maxDepth: 64 } as const;

/**
 * What makes a JSON value unstorable, or undefined: nesting past `maxDepth`, or a number that is
 * not finite (a literal like 1e400 parses to Infinity, which JSON would store as null). Walks
 * with its own stack, so the depth of the value cannot overflow ours.
 */
export function jsonValueProblem(value: unknown, maxDepth: number = defaultValueLimits.maxDepth): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'number' && !Number.isFinite(value) ? NON_FINITE : undefined;
  }
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.depth > maxDepth) return `nests deeper than ${maxDepth} levels; the limit is ${maxDepth}`;
    const children = Array.isArray(item.value) ? (item.value as unknown[]) : Object.values(item.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: item.depth + 1 });
      else if (typeof child === 'number' && !Number.isFinite(child)) return NON_FINITE;
    }
  }
  return undefined;
}

const NON_FINITE = 'holds a number too large for a double (JSON would store it as null); send it as a string';

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
    case 'msgpack': {
      // Checked first, the value came out of JSON.parse: the codec cannot fail on it.
      const problem = jsonValueProblem(value);
      if (problem !== undefined) return { ok: false, problem };
      return encodeWith(encoding === 'json' ? jsonCodec : msgpackCodec, value);
    }
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
