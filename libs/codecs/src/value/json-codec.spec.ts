import { describe, expect, it } from 'vitest';
import { CodecDecodeError, CodecError } from '../errors.js';
import { jsonCodec } from './json-codec.js';

const roundTrip = (value: unknown) => jsonCodec.decode(jsonCodec.encode(value));

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected a throw');
}

describe('jsonCodec', () => {
  it('declares its name and content type', () => {
    expect(jsonCodec.name).toBe('json');
    expect(jsonCodec.contentType).toBe('application/json');
  });

  it.each([
    { label: 'empty object', value: {} },
    { label: 'empty array', value: [] },
    { label: 'null', value: null },
    { label: 'number', value: 42.5 },
    { label: 'boolean', value: false },
    { label: 'empty string', value: '' },
    { label: 'unicode', value: { text: 'héllo wörld — 日本語 🎉🚀', key: 'ключ' } },
    { label: 'nested', value: { a: { b: { c: [1, { d: [true, null, 'x'] }] } } } },
  ])('round-trips $label', ({ value }) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it('round-trips a large value', () => {
    const value = { items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'] })) };
    const bytes = jsonCodec.encode(value);
    expect(bytes.length).toBeGreaterThan(500_000);
    expect(jsonCodec.decode(bytes)).toEqual(value);
  });

  it('writes UTF-8 bytes', () => {
    expect(jsonCodec.encode({ e: 'é' }).toString('hex')).toBe(Buffer.from('{"e":"é"}', 'utf8').toString('hex'));
  });

  it('follows JSON.stringify for Dates, Buffers and undefined properties', () => {
    const date = new Date('2024-05-01T12:00:00.123Z');
    expect(roundTrip({ date, gone: undefined, buf: Buffer.from([1, 2]) })).toEqual({
      date: '2024-05-01T12:00:00.123Z',
      buf: { type: 'Buffer', data: [1, 2] },
    });
  });

  it.each([
    { label: 'undefined', value: undefined, message: /top-level undefined/ },
    { label: 'a function', value: () => 1, message: /top-level function/ },
    { label: 'a symbol', value: Symbol('s'), message: /top-level symbol/ },
    { label: 'a bigint', value: { n: 1n }, message: /BigInt/ },
  ])('rejects $label with INVALID_VALUE', ({ value, message }) => {
    const error = thrownBy(() => jsonCodec.encode(value));
    expect(error).toBeInstanceOf(CodecError);
    expect(error).toMatchObject({ code: 'INVALID_VALUE', message });
  });

  it('rejects a cycle with INVALID_VALUE and keeps the cause', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = thrownBy(() => jsonCodec.encode(cyclic));
    expect(error).toMatchObject({ code: 'INVALID_VALUE', message: /cannot encode this value/ });
    expect((error as CodecError).cause).toBeInstanceOf(TypeError);
  });

  it.each([
    { label: 'empty bytes', bytes: Buffer.alloc(0), code: 'EMPTY_VALUE', reason: /empty/ },
    { label: 'invalid UTF-8', bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), code: 'DECODE_FAILED', reason: /UTF-8/ },
    { label: 'truncated JSON', bytes: Buffer.from('{"a":[1,2'), code: 'DECODE_FAILED', reason: /invalid JSON/ },
    { label: 'plain text', bytes: Buffer.from('hello'), code: 'DECODE_FAILED', reason: /invalid JSON/ },
  ])('throws a CodecDecodeError on $label', ({ bytes, code, reason }) => {
    const error = thrownBy(() => jsonCodec.decode(bytes));
    expect(error).toBeInstanceOf(CodecDecodeError);
    expect(error).toMatchObject({ code, contentType: 'application/json', reason });
  });

  it('decodes valid UTF-8 that toString would also accept', () => {
    expect(jsonCodec.decode(Buffer.from('"\u00e9\u{1f389}"', 'utf8'))).toBe('é🎉');
  });
});
