import { describe, expect, it } from 'vitest';
import { msgpackCodec } from '@lagscale/codecs';
import { encodeValue, type ValueEncoding } from './value-encoding.js';

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
});
