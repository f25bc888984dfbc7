import { describe, expect, it } from 'vitest';
import { CodecDecodeError, CodecError } from '../errors.js';
import { stringCodec } from './string-codec.js';

describe('stringCodec', () => {
  it('declares its name and content type', () => {
    expect(stringCodec.name).toBe('string');
    expect(stringCodec.contentType).toBe('text/plain; charset=utf-8');
  });

  it.each([
    { label: 'empty', value: '' },
    { label: 'ascii', value: 'hello world' },
    { label: 'unicode', value: 'héllo — 日本語 🎉 \u0000 control' },
    { label: 'large', value: 'lagscale '.repeat(200_000) },
  ])('round-trips $label text', ({ value }) => {
    const bytes = stringCodec.encode(value);
    expect(bytes.length).toBe(Buffer.byteLength(value, 'utf8'));
    expect(stringCodec.decode(bytes)).toBe(value);
  });

  it('writes a lone surrogate as U+FFFD', () => {
    expect(stringCodec.decode(stringCodec.encode('a\ud800b'))).toBe('a\ufffdb');
  });

  it.each([
    { label: 'a number', value: 1, got: 'number' },
    { label: 'null', value: null, got: 'null' },
    { label: 'a Buffer', value: Buffer.from('x'), got: 'Buffer' },
    { label: 'an object', value: { text: 'x' }, got: 'Object' },
  ])('rejects $label with INVALID_VALUE', ({ value, got }) => {
    expect(() => stringCodec.encode(value as unknown as string)).toThrow(CodecError);
    expect(() => stringCodec.encode(value as unknown as string)).toThrow(`string codec expects a string (got ${got})`);
  });

  it.each([
    { label: 'a lone continuation byte', bytes: Buffer.from([0x61, 0x80]) },
    { label: 'a truncated 3-byte sequence', bytes: Buffer.from([0xe6, 0x97]) },
    { label: 'an overlong encoding', bytes: Buffer.from([0xc0, 0xaf]) },
    { label: 'a UTF-16 surrogate', bytes: Buffer.from([0xed, 0xa0, 0x80]) },
  ])('rejects $label instead of replacing it', ({ bytes }) => {
    expect(() => stringCodec.decode(bytes)).toThrow(CodecDecodeError);
    expect(() => stringCodec.decode(bytes)).toThrow(/not valid UTF-8/);
  });
});
