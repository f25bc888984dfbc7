import { describe, expect, it } from 'vitest';
import { msgpackCodec } from '@lagscale/codecs';
import { defaultValueLimits, encodeValue, jsonValueProblem, type ValueEncoding } from './value-encoding.js';

/** `depth` arrays inside one another around `inner`. */
function nested(depth: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

describe('encodeValue', () => {
  it.each([
    { encoding: 'json', value: { a: [1, 'x'] }, bytes: Buffer.from('{"a":[1,"x"]}'), contentType: 'application/json' },
    { encoding: 'json', value: null, bytes: Buffer.from('null'), contentType: 'application/json' },
    { encoding: 'json', value: 'text', bytes: Buffer.from('"text"'), contentType: 'application/json' },
    { encoding: 'msgpack', value: { a: 1 }, bytes: msgpackCodec.encode({ a: 1 }), contentType: 'application/msgpack' },
    { encoding: 'string', value: 'héllo', bytes: Buffer.from('héllo', 'utf8'), contentType: 'text/plain; charset=utf-8' },
    { encoding: 'string', value: '', bytes: Buffer.alloc(0), contentType: 'text/plain; charset=utf-8' },
    { encoding: 'base64', value: 'AAEC/w==', bytes: Buffer.from([0, 1, 2, 255]), contentType: 'application/octet-stream' },
    { encoding: 'base64', value: '', bytes: Buffer.alloc(0), contentType: 'application/octet-stream' },
  ] as Array<{ encoding: ValueEncoding; value: unknown; bytes: Buffer; contentType: string }>)('$encoding of $value', ({ encoding, value, bytes, contentType }) => {
    expect(encodeValue(value, encoding)).toEqual({ ok: true, bytes, contentType });
  });

  it.each([
    { encoding: 'string', value: 5, problem: 'must be a string when valueEncoding is "string"' },
    { encoding: 'string', value: null, problem: 'must be a string when valueEncoding is "string"' },
    { encoding: 'base64', value: 'abc', problem: 'base64' },
    { encoding: 'base64', value: 'ab c', problem: 'base64' },
    { encoding: 'base64', value: 'ab-_', problem: 'base64' },
    { encoding: 'base64', value: { a: 1 }, problem: 'base64' },
  ] as Array<{ encoding: ValueEncoding; value: unknown; problem: string }>)('rejects $value as $encoding', ({ encoding, value, problem }) => {
    const result = encodeValue(value, encoding);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });

  it.each([
    { name: 'a number that overflowed to Infinity', value: Number.POSITIVE_INFINITY, problem: 'too large for a double' },
    { name: 'one inside an object', value: { a: { b: [1, -Infinity] } }, problem: 'too large for a double' },
    { name: 'NaN', value: [Number.NaN], problem: 'too large for a double' },
    { name: 'nesting one past the limit', value: nested(defaultValueLimits.maxDepth + 1), problem: 'nests deeper than 64 levels; the limit is 64' },
    { name: 'nesting far past it', value: nested(200_000), problem: 'the limit is 64' },
    { name: 'objects nested past it', value: JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) as unknown, problem: 'the limit is 64' },
  ])('json and msgpack reject $name', ({ value, problem }) => {
    for (const encoding of ['json', 'msgpack'] as const) {
      const result = encodeValue(value, encoding);
      expect(result.ok ? '' : result.problem).toContain(problem);
    }
  });

  it('accepts nesting at the limit', () => {
    expect(jsonValueProblem(nested(defaultValueLimits.maxDepth))).toBeUndefined();
    expect(encodeValue(nested(defaultValueLimits.maxDepth), 'json').ok).toBe(true);
  });
});
