import { describe, expect, it } from 'vitest';
import { codecNameForContentType, headerText } from './content-type.js';

describe('codecNameForContentType', () => {
  it.each([
    { contentType: 'application/json', codec: 'json' },
    { contentType: 'application/json; charset=utf-8', codec: 'json' },
    { contentType: 'Application/JSON; Charset=UTF-8', codec: 'json' },
    { contentType: '  application/json  ', codec: 'json' },
    { contentType: 'application/json;charset="utf-8"', codec: 'json' },
    { contentType: 'application/vnd.lagscale.event.v1+json', codec: 'json' },
    { contentType: 'application/problem+json; charset=utf-8', codec: 'json' },
    { contentType: 'application/msgpack', codec: 'msgpack' },
    { contentType: 'application/x-msgpack', codec: 'msgpack' },
    { contentType: 'application/vnd.msgpack', codec: 'msgpack' },
    { contentType: 'APPLICATION/MSGPACK', codec: 'msgpack' },
    { contentType: 'text/plain; charset=utf-8', codec: 'string' },
    { contentType: 'text/plain', codec: 'string' },
    { contentType: 'text/plain;charset=UTF8', codec: 'string' },
    { contentType: 'text/plain; format=flowed; charset="us-ascii"', codec: 'string' },
    { contentType: 'text/plain; charset=iso-8859-1', codec: undefined },
    { contentType: 'text/plain; charset=utf-16', codec: undefined },
    { contentType: 'application/octet-stream', codec: 'bytes' },
    { contentType: 'application/octet-stream; x=1', codec: 'bytes' },
    { contentType: 'application/xml', codec: undefined },
    { contentType: 'application/avro', codec: undefined },
    { contentType: 'json', codec: undefined },
    { contentType: 'text/json', codec: undefined },
    { contentType: 'application/jsonx', codec: undefined },
    { contentType: ';', codec: undefined },
  ])('$contentType → $codec', ({ contentType, codec }) => {
    expect(codecNameForContentType(contentType)).toBe(codec);
  });
});

describe('headerText', () => {
  it.each([
    { label: 'a string', value: 'application/json', text: 'application/json' },
    { label: 'a Buffer', value: Buffer.from('application/msgpack'), text: 'application/msgpack' },
    { label: 'a repeated header (last wins)', value: ['text/plain', Buffer.from('application/json')], text: 'application/json' },
    { label: 'undefined', value: undefined, text: undefined },
    { label: 'null', value: null, text: undefined },
    { label: 'an empty string', value: '', text: undefined },
    { label: 'an empty Buffer', value: Buffer.alloc(0), text: undefined },
    { label: 'an empty array', value: [], text: undefined },
  ])('reads $label', ({ value, text }) => {
    expect(headerText(value)).toBe(text);
  });
});
