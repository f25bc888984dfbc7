import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../errors.js';
import { bytesCodec } from './bytes-codec.js';

describe('bytesCodec', () => {
  it('declares its name and content type', () => {
    expect(bytesCodec.name).toBe('bytes');
    expect(bytesCodec.contentType).toBe('application/octet-stream');
  });

  it.each([
    { label: 'empty', value: Buffer.alloc(0) },
    { label: 'binary', value: Buffer.from([0, 0xff, 0x80, 0x0a]) },
    { label: '1 MB random', value: randomBytes(1 << 20) },
  ])('passes $label bytes through without copying', ({ value }) => {
    expect(bytesCodec.encode(value)).toBe(value);
    expect(bytesCodec.decode(value)).toBe(value);
  });

  it.each([
    { label: 'a string', value: 'abc', got: 'string' },
    { label: 'a Uint8Array', value: new Uint8Array(2), got: 'Uint8Array' },
    { label: 'an array of numbers', value: [1, 2], got: 'array' },
    { label: 'undefined', value: undefined, got: 'undefined' },
  ])('rejects $label with INVALID_VALUE', ({ value, got }) => {
    expect(() => bytesCodec.encode(value as unknown as Buffer)).toThrow(CodecError);
    expect(() => bytesCodec.encode(value as unknown as Buffer)).toThrow(`bytes codec expects a Buffer (got ${got})`);
  });
});
