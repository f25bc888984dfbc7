import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { CodecDecodeError } from '../errors.js';
import { codecNames, type Codec } from './codec.js';
import { CONTENT_TYPE_HEADER } from './content-type.js';
import { decodeRecordValue, safeDecode } from './decode.js';
import { jsonCodec } from './json-codec.js';
import { msgpackCodec } from './msgpack-codec.js';
import { codecs } from './registry.js';
import { stringCodec } from './string-codec.js';

const garbage = [
  { label: 'empty', bytes: Buffer.alloc(0) },
  { label: 'a single 0xc1 byte', bytes: Buffer.from([0xc1]) },
  { label: 'invalid UTF-8', bytes: Buffer.from([0x22, 0xff, 0xfe, 0x22]) },
  { label: 'truncated msgpack', bytes: msgpackCodec.encode({ user: 'u1', items: [1, 2, 3] }).subarray(0, 9) },
  { label: 'truncated JSON', bytes: Buffer.from('{"user":"u1","items":[1,2') },
  { label: 'NUL bytes', bytes: Buffer.alloc(64) },
  { label: '1 KB of random bytes', bytes: randomBytes(1024) },
];

describe('safeDecode', () => {
  const everyCodec = codecNames.map((name) => ({ name, codec: codecs[name] as Codec<unknown> }));

  describe.each(everyCodec)('with $name', ({ codec }) => {
    it.each(garbage)('never throws on $label', ({ bytes }) => {
      const result = safeDecode(codec, bytes);
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(CodecDecodeError);
        expect(['DECODE_FAILED', 'EMPTY_VALUE']).toContain(result.error.code);
        expect(result.error.contentType).toBe(codec.contentType);
        expect(result.error.reason.length).toBeGreaterThan(0);
      }
    });

    it('never throws on 500 random buffers of random lengths', () => {
      for (let i = 0; i < 500; i++) {
        const bytes = randomBytes(i % 97);
        expect(() => safeDecode(codec, bytes)).not.toThrow();
      }
    });
  });

  it.each([
    { codec: jsonCodec, bytes: Buffer.alloc(0), code: 'EMPTY_VALUE' },
    { codec: msgpackCodec, bytes: Buffer.alloc(0), code: 'EMPTY_VALUE' },
    { codec: jsonCodec, bytes: Buffer.from('{"a":'), code: 'DECODE_FAILED' },
    { codec: msgpackCodec, bytes: Buffer.from([0x92, 0x01]), code: 'DECODE_FAILED' },
    { codec: stringCodec, bytes: Buffer.from([0xff]), code: 'DECODE_FAILED' },
  ])('fails $codec.name on bad bytes with $code', ({ codec, bytes, code }) => {
    const result = safeDecode(codec as Codec<unknown>, bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('accepts empty bytes where the codec has a meaning for them', () => {
    expect(safeDecode(stringCodec, Buffer.alloc(0))).toEqual({ ok: true, value: '' });
    expect(safeDecode(codecs.bytes, Buffer.alloc(0))).toEqual({ ok: true, value: Buffer.alloc(0) });
  });

  it('returns the value on good bytes', () => {
    expect(safeDecode(jsonCodec, Buffer.from('{"a":[1,"x"]}'))).toEqual({ ok: true, value: { a: [1, 'x'] } });
  });

  it('wraps whatever a foreign codec throws', () => {
    const throwing: Codec<never> = {
      name: 'json',
      contentType: 'application/x-custom',
      encode: () => Buffer.alloc(0),
      decode: () => {
        throw new RangeError('custom failure');
      },
    };
    const result = safeDecode(throwing, Buffer.from('x'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({
        code: 'DECODE_FAILED',
        contentType: 'application/x-custom',
        reason: 'custom failure',
      });
      expect(result.error.cause).toBeInstanceOf(RangeError);
    }
  });

  it('does not throw when a JS caller passes no buffer at all', () => {
    const result = safeDecode(jsonCodec, undefined as unknown as Buffer);
    expect(result.ok).toBe(false);
  });
});

describe('decodeRecordValue', () => {
  const json = (value: unknown) => jsonCodec.encode(value);
  const msgpack = (value: unknown) => msgpackCodec.encode(value);

  it.each([
    {
      label: 'no headers → fallback codec',
      value: json({ a: 1 }),
      headers: undefined,
      fallback: jsonCodec,
      expected: { ok: true, tombstone: false, value: { a: 1 } },
    },
    {
      label: 'no content-type header → fallback codec',
      value: msgpack({ a: 1 }),
      headers: { 'trace-id': 'abc' },
      fallback: msgpackCodec,
      expected: { ok: true, tombstone: false, value: { a: 1 } },
    },
    {
      label: 'empty content-type header → fallback codec',
      value: Buffer.from('plain'),
      headers: { [CONTENT_TYPE_HEADER]: Buffer.alloc(0) },
      fallback: stringCodec,
      expected: { ok: true, tombstone: false, value: 'plain' },
    },
    {
      label: 'header overrides the fallback (Buffer value, as kafkajs delivers it)',
      value: msgpack({ a: 1 }),
      headers: { [CONTENT_TYPE_HEADER]: Buffer.from('application/msgpack') },
      fallback: jsonCodec,
      expected: { ok: true, tombstone: false, value: { a: 1 } },
    },
    {
      label: 'header with parameters and odd case',
      value: json(['x']),
      headers: { [CONTENT_TYPE_HEADER]: 'Application/Json; Charset=UTF-8' },
      fallback: msgpackCodec,
      expected: { ok: true, tombstone: false, value: ['x'] },
    },
    {
      label: 'repeated header → last value',
      value: Buffer.from('text'),
      headers: { [CONTENT_TYPE_HEADER]: ['application/json', Buffer.from('text/plain; charset=utf-8')] },
      fallback: jsonCodec,
      expected: { ok: true, tombstone: false, value: 'text' },
    },
    {
      label: 'null value → tombstone',
      value: null,
      headers: undefined,
      fallback: jsonCodec,
      expected: { ok: true, tombstone: true, value: null },
    },
    {
      label: 'null value with an unknown content type → still a tombstone',
      value: null,
      headers: { [CONTENT_TYPE_HEADER]: 'application/avro' },
      fallback: jsonCodec,
      expected: { ok: true, tombstone: true, value: null },
    },
  ])('$label', ({ value, headers, fallback, expected }) => {
    expect(decodeRecordValue(value, headers, fallback)).toEqual(expected);
  });

  it('fails an unknown content type without guessing, naming the header value', () => {
    const headers = { [CONTENT_TYPE_HEADER]: Buffer.from('application/avro') };
    const result = decodeRecordValue(json({ a: 1 }), headers, jsonCodec);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(CodecDecodeError);
      expect(result.error).toMatchObject({ code: 'UNKNOWN_CONTENT_TYPE', contentType: 'application/avro' });
    }
  });

  it.each([
    { label: 'JSON bytes labelled msgpack', value: Buffer.from('{"a":1}'), contentType: 'application/msgpack', code: 'DECODE_FAILED' },
    { label: 'an empty JSON value', value: Buffer.alloc(0), contentType: 'application/json', code: 'EMPTY_VALUE' },
    { label: 'Latin-1 bytes labelled UTF-8 text', value: Buffer.from('café', 'latin1'), contentType: 'text/plain; charset=utf-8', code: 'DECODE_FAILED' },
  ])('fails $label with $code', ({ value, contentType, code }) => {
    const result = decodeRecordValue(value, { [CONTENT_TYPE_HEADER]: contentType }, jsonCodec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code, contentType });
  });

  it('takes a kafkajs message as it comes', () => {
    const message: KafkaMessage = {
      key: Buffer.from('k'),
      value: msgpack({ a: 1 }),
      timestamp: '1700000000000',
      attributes: 0,
      offset: '0',
      headers: { [CONTENT_TYPE_HEADER]: Buffer.from(msgpackCodec.contentType), trace: [Buffer.from('a'), 'b'] },
    };
    expect(decodeRecordValue(message.value, message.headers, jsonCodec)).toEqual({
      ok: true,
      tombstone: false,
      value: { a: 1 },
    });
  });

  it('treats an undefined value from a JS caller as a tombstone', () => {
    expect(decodeRecordValue(undefined as unknown as null, undefined, jsonCodec)).toEqual({
      ok: true,
      tombstone: true,
      value: null,
    });
  });
});
