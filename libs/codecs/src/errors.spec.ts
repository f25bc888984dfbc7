import { describe, expect, it } from 'vitest';
import { CodecDecodeError, CodecError, codecErrorCodes, decodeErrorCodes, describeValue } from './errors.js';

describe('CodecError', () => {
  it('carries a code, is never retriable and keeps its cause', () => {
    const cause = new TypeError('boom');
    const error = new CodecError('INVALID_VALUE', 'bad value', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('INVALID_VALUE');
    expect(error.retriable).toBe(false);
    expect(error.cause).toBe(cause);
  });

  it('lists every decode code among the codec codes', () => {
    for (const code of decodeErrorCodes) expect(codecErrorCodes).toContain(code);
  });
});

describe('CodecDecodeError', () => {
  it('names the content type and the reason in its message', () => {
    const error = new CodecDecodeError('DECODE_FAILED', 'application/json', 'invalid JSON');
    expect(error).toBeInstanceOf(CodecError);
    expect(error.contentType).toBe('application/json');
    expect(error.reason).toBe('invalid JSON');
    expect(error.message).toBe('cannot decode value as application/json: invalid JSON');
  });

  it('keeps the reason to one bounded line, fit for a DLQ header', () => {
    const error = new CodecDecodeError('DECODE_FAILED', undefined, `line one\nline two ${'x'.repeat(500)}`);
    expect(error.reason).not.toContain('\n');
    expect(error.reason.length).toBe(200);
    expect(error.reason.startsWith('line one line two')).toBe(true);
    expect(error.message).toContain('(no content type)');
  });

  it('bounds a content type taken from a hostile header', () => {
    const error = new CodecDecodeError('UNKNOWN_CONTENT_TYPE', `application/${'x'.repeat(10_000)}`, 'unknown');
    expect(error.contentType?.length).toBe(200);
    expect(error.message.length).toBeLessThan(500);
  });
});

describe('describeValue', () => {
  it.each([
    { value: null, expected: 'null' },
    { value: undefined, expected: 'undefined' },
    { value: 1, expected: 'number' },
    { value: 1n, expected: 'bigint' },
    { value: [], expected: 'array' },
    { value: {}, expected: 'Object' },
    { value: Object.create(null) as object, expected: 'object' },
    { value: Buffer.alloc(1), expected: 'Buffer' },
    { value: new Map(), expected: 'Map' },
  ])('describes $expected', ({ value, expected }) => {
    expect(describeValue(value)).toBe(expected);
  });
});
