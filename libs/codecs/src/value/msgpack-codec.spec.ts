import { describe, expect, it } from 'vitest';
import { CodecDecodeError, CodecError } from '../errors.js';
import { msgpackCodec } from './msgpack-codec.js';

const roundTrip = (value: unknown) => msgpackCodec.decode(msgpackCodec.encode(value));
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected a throw');
}

describe('msgpackCodec', () => {
  it('declares its name and content type', () => {
    expect(msgpackCodec.name).toBe('msgpack');
    expect(msgpackCodec.contentType).toBe('application/msgpack');
  });

  it.each([
    { label: 'empty object', value: {} },
    { label: 'empty array', value: [] },
    { label: 'null', value: null },
    { label: 'integers and floats', value: { small: 1, negative: -129, big: 2 ** 40, float: 0.1 } },
    { label: 'empty string', value: '' },
    { label: 'unicode', value: { text: 'héllo wörld — 日本語 🎉🚀', 'ключ': 'значение' } },
    { label: 'nested', value: { a: { b: { c: [1, { d: [true, null, 'x'] }] } } } },
  ])('round-trips $label', ({ value }) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it('round-trips a large value', () => {
    const value = { items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'] })) };
    const bytes = msgpackCodec.encode(value);
    expect(bytes.length).toBeGreaterThan(300_000);
    expect(msgpackCodec.decode(bytes)).toEqual(value);
  });

  it('writes standard MessagePack maps, not msgpackr records', () => {
    expect(msgpackCodec.encode({ a: 1 }).toString('hex')).toBe('81a16101');
    expect(msgpackCodec.encode({ a: 1, b: 'x' }).toString('hex')).toBe('82a16101a162a178');
  });

  it('round-trips binary as a Buffer that does not alias the input', () => {
    const binary = Buffer.from([0, 1, 2, 254, 255]);
    const bytes = msgpackCodec.encode({ binary });
    const decoded = msgpackCodec.decode(bytes) as { binary: Buffer };
    expect(Buffer.isBuffer(decoded.binary)).toBe(true);
    expect(decoded.binary).toEqual(binary);
    bytes.fill(0);
    expect(decoded.binary).toEqual(binary);
  });

  it('encodes a Uint8Array as bin too', () => {
    expect(roundTrip(new Uint8Array([7, 8]))).toEqual(Buffer.from([7, 8]));
  });

  it('round-trips Dates through the standard timestamp extension', () => {
    const date = new Date('2024-05-01T12:00:00.123Z');
    const bytes = msgpackCodec.encode(date);
    expect(bytes[0]).toBe(0xd7); // fixext 8
    expect(bytes[1]).toBe(0xff); // type -1: timestamp
    const decoded = msgpackCodec.decode(bytes);
    expect(decoded).toBeInstanceOf(Date);
    expect((decoded as Date).getTime()).toBe(date.getTime());
  });

  it.each([
    { label: 'a small bigint decodes as a number', value: 5n, expected: 5 },
    { label: 'a bigint past 2^53 stays a bigint', value: 2n ** 60n, expected: 2n ** 60n },
    { label: 'a negative bigint past -2^53 stays a bigint', value: -(2n ** 60n), expected: -(2n ** 60n) },
  ])('$label', ({ value, expected }) => {
    expect(roundTrip(value)).toBe(expected);
  });

  it('reads int64 and uint64 written by other languages', () => {
    // {"ts": int64 1700000000000, "id": uint64 2^64-1}
    const bytes = hex('82 a2 7473 d3 0000018bcfe56800 a2 6964 cf ffffffffffffffff');
    expect(msgpackCodec.decode(bytes)).toEqual({ ts: 1_700_000_000_000, id: 2n ** 64n - 1n });
  });

  it('drops the properties JSON drops and writes undefined array items as nil', () => {
    const value = { a: undefined, f: () => 1, s: Symbol('s'), b: 1, list: [undefined, 2] };
    expect(msgpackCodec.encode(value)).toEqual(msgpackCodec.encode({ b: 1, list: [null, 2] }));
    expect(roundTrip(value)).toEqual({ b: 1, list: [null, 2] });
  });

  it('encodes a class instance with toJSON as the json codec would', () => {
    class Money {
      readonly cents = 150;
      toJSON() {
        return { amount: '1.50' };
      }
    }
    expect(roundTrip({ money: new Money() })).toEqual({ money: { amount: '1.50' } });
  });

  it('decodes Maps as plain objects and Sets as arrays', () => {
    expect(roundTrip(new Map([['k', 1]]))).toEqual({ k: 1 });
    expect(roundTrip(new Set([1, 2]))).toEqual([1, 2]);
  });

  it('does not change earlier results when encoding again', () => {
    const first = msgpackCodec.encode({ n: 1 });
    const copy = Buffer.from(first);
    msgpackCodec.encode({ n: 2, other: 'x'.repeat(10_000) });
    expect(first).toEqual(copy);
  });

  it.each([
    { label: 'undefined', value: undefined, message: /top-level undefined/ },
    { label: 'a function', value: () => 1, message: /top-level function/ },
    { label: 'a symbol', value: Symbol('s'), message: /top-level symbol/ },
    { label: 'a bigint wider than 64 bits', value: { n: 2n ** 70n }, message: /too large/ },
    { label: 'a symbol in an array', value: [Symbol('s')], message: /Unknown type: symbol/ },
  ])('rejects $label with INVALID_VALUE', ({ value, message }) => {
    const error = thrownBy(() => msgpackCodec.encode(value));
    expect(error).toBeInstanceOf(CodecError);
    expect(error).toMatchObject({ code: 'INVALID_VALUE', message });
  });

  it.each([
    { label: 'empty bytes', bytes: Buffer.alloc(0), code: 'EMPTY_VALUE' },
    { label: 'a truncated map', bytes: hex('82 a1 61 01 a1'), code: 'DECODE_FAILED' },
    { label: 'a str32 claiming 4 GB', bytes: hex('db ffffffff 41'), code: 'DECODE_FAILED' },
    { label: 'an array32 claiming 4 G items', bytes: hex('dd ffffffff'), code: 'DECODE_FAILED' },
    { label: 'trailing bytes after the value', bytes: hex('81 a1 61 01 01 02'), code: 'DECODE_FAILED' },
    { label: 'JSON text', bytes: Buffer.from('{"a":1}'), code: 'DECODE_FAILED' },
    { label: 'an unknown extension', bytes: hex('d4 05 40'), code: 'DECODE_FAILED' },
  ])('throws a CodecDecodeError on $label', ({ bytes, code }) => {
    const error = thrownBy(() => msgpackCodec.decode(bytes));
    expect(error).toBeInstanceOf(CodecDecodeError);
    expect(error).toMatchObject({ code, contentType: 'application/msgpack' });
  });
});
