import { describe, expect, it } from 'vitest';
import { CodecError } from '../errors.js';
import { bytesCodec } from './bytes-codec.js';
import { codecNames } from './codec.js';
import { jsonCodec } from './json-codec.js';
import { msgpackCodec } from './msgpack-codec.js';
import { codecForContentType, codecs, getCodec, isCodecName } from './registry.js';
import { stringCodec } from './string-codec.js';

describe('codec registry', () => {
  it('has one codec per name, each knowing its own name', () => {
    expect(Object.keys(codecs).sort()).toEqual([...codecNames].sort());
    for (const name of codecNames) expect(codecs[name].name).toBe(name);
  });

  it('maps every codec content type back to that codec', () => {
    for (const name of codecNames) expect(codecForContentType(codecs[name].contentType)).toBe(codecs[name]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(codecs)).toBe(true);
  });

  it.each([
    { name: 'json', codec: jsonCodec },
    { name: 'msgpack', codec: msgpackCodec },
    { name: 'string', codec: stringCodec },
    { name: 'bytes', codec: bytesCodec },
  ])('getCodec($name)', ({ name, codec }) => {
    expect(getCodec(name)).toBe(codec);
  });

  it('rejects an unknown codec name, listing the valid ones', () => {
    expect(() => getCodec('avro')).toThrow(CodecError);
    expect(() => getCodec('avro')).toThrow('unknown codec "avro" (expected one of: json, msgpack, string, bytes)');
    expect(() => getCodec('JSON')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CODEC' }));
  });

  it('tells codec names from other strings', () => {
    expect(isCodecName('msgpack')).toBe(true);
    expect(isCodecName('toString')).toBe(false);
    expect(isCodecName(1)).toBe(false);
  });

  it.each([
    { label: 'a Buffer header', header: Buffer.from('application/json; charset=utf-8'), codec: jsonCodec },
    { label: 'a repeated header', header: ['application/json', 'application/msgpack'], codec: msgpackCodec },
    { label: 'an unknown type', header: 'application/xml', codec: undefined },
    { label: 'no header', header: undefined, codec: undefined },
  ])('codecForContentType with $label', ({ header, codec }) => {
    expect(codecForContentType(header)).toBe(codec);
  });
});
