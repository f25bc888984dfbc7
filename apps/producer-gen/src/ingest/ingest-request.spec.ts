import { describe, expect, it } from 'vitest';
import { createRequestParser, formatPath } from './ingest-request.js';

describe('formatPath', () => {
  it.each([
    { path: [], text: 'body' },
    { path: ['records'], text: 'records' },
    { path: ['records', 3, 'partition'], text: 'records[3].partition' },
    { path: ['records', 0, 'headers', 'content-type'], text: 'records[0].headers["content-type"]' },
  ])('$text', ({ path, text }) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('createRequestParser', () => {
  const parse = createRequestParser({ maxRecordsPerRequest: 3 });

  it('accepts every optional field and keeps them', () => {
    const body = { valueEncoding: 'string', records: [{ key: 'k', value: 'v', headers: { h: '1' }, partition: 2, valueEncoding: 'json' }, { key: null, value: 0 }] };
    expect(parse(body)).toEqual(body);
  });

  it.each([
    { body: { records: [] }, code: 'EMPTY_BATCH', message: 'records must hold at least one record' },
    { body: { records: [{ value: 1 }, { value: 1 }, { value: 1 }, { value: 1, partition: 'x' }] }, code: 'TOO_MANY_RECORDS', message: 'records holds 4 records; at most 3 are accepted per request' },
    { body: 'text', code: 'INVALID_BODY', message: 'body must be a JSON object with a records array' },
    { body: { records: [{ value: 1, partition: 2 ** 60 }] }, code: 'INVALID_BODY', message: 'records[0].partition must be a non-negative integer' },
    { body: { records: [{ key: 'k', vaule: 1 }] }, code: 'INVALID_BODY', message: 'records[0] has unknown field "vaule"' },
    { body: { records: [{ value: 1, a: 1, b: 2 }] }, code: 'INVALID_BODY', message: 'records[0] has unknown fields "a", "b"' },
    {
      body: { records: [{ value: 1, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 }] },
      code: 'INVALID_BODY',
      message: 'records[0] has unknown fields "a", "b", "c", "d", "e" and 2 more',
    },
    { body: { records: [{ value: 1, headers: ['x'] }] }, code: 'INVALID_BODY', message: 'records[0].headers must be an object of string values' },
    { body: { records: [{ value: 1, headers: { 'content-type': 'x' } }] }, code: 'INVALID_BODY', message: 'records[0].headers["content-type"] is reserved: the gateway sets it from valueEncoding' },
  ])('$code: $message', ({ body, code, message }) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ code, message }));
  });
});
