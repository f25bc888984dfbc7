// The scanner reads bodies in place; the reference is JSON.parse (as fastify's secure parser) and
// the request schema. Whatever it takes must mean exactly what the reference reads; whatever the
// reference refuses it must leave to the reference; and the common bodies must take it (else it
// saves nothing). Held by tables and by fast-check on valid, loose and mutated bodies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanRequestBody, type ScannedBody } from './body-scan.js';
import { encodeRecords, encodeScannedRecords } from './encode-records.js';
import { createRequestParser, type IngestRequestInput } from './ingest-request.js';
import { defaultValueLimits, jsonValueProblem } from './value-encoding.js';

const MAX = 5;
const limits = { maxRecordsPerRequest: MAX };
const parse = createRequestParser(limits);
const scan = (text: string | Buffer): ScannedBody | undefined => scanRequestBody(typeof text === 'string' ? Buffer.from(text) : text, limits);

/** What the reference reads from a body, or undefined when it refuses it (JSON, schema or value rules). */
function reference(text: string): IngestRequestInput | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (hasPoisonKey(parsed)) return undefined;
  try {
    return parse(parsed);
  } catch {
    return undefined;
  }
}

/** Keys secure-json-parse refuses or treats apart; the scanner leaves every such body to it. */
function hasPoisonKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'constructor')) return true;
  return Object.values(value).some(hasPoisonKey);
}

/** The scanned body means what the reference reads: every field, and every value's text. */
function expectSameMeaning(scanned: ScannedBody, text: string): void {
  const ref = reference(text);
  expect(ref, text).toBeDefined();
  const request = ref as IngestRequestInput;
  expect(scanned.valueEncoding).toEqual(request.valueEncoding);
  expect(scanned.records).toHaveLength(request.records.length);
  scanned.records.forEach((record, i) => {
    const expected = request.records[i];
    expect(record.key).toEqual(expected?.key ?? null);
    expect(record.headers).toEqual(expected?.headers);
    expect(record.partition).toEqual(expected?.partition);
    expect(record.valueEncoding).toEqual(expected?.valueEncoding);
    const value: unknown = JSON.parse(scanned.bytes.toString('utf8', record.valueStart, record.valueEnd));
    expect(value).toEqual(expected?.value);
    // nesting and finiteness hold whatever the encoding
    expect(jsonValueProblem(value)).toBeUndefined();
  });
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('scanRequestBody', () => {
  it('reads a common body in place: fields decoded, values left as byte ranges', () => {
    const text = '{"records":[{"key":"user-1","value":{"a":1,"b":[true,null]},"headers":{"seq":"7","é":"ü"}},{"key":null,"value":"t\\n","partition":2,"valueEncoding":"string"},{"value":-1.5e3}],"valueEncoding":"msgpack"}';
    const scanned = scan(text);
    expect(scanned).toBeDefined();
    const body = scanned as ScannedBody;
    expect(body.valueEncoding).toBe('msgpack');
    const values = body.records.map((r) => body.bytes.toString('utf8', r.valueStart, r.valueEnd));
    expect(values).toEqual(['{"a":1,"b":[true,null]}', '"t\\n"', '-1.5e3']);
    expect(body.records.map((r) => [r.key, r.headers, r.partition, r.valueEncoding, r.valueCompact])).toEqual([
      ['user-1', { seq: '7', é: 'ü' }, undefined, undefined, true],
      [null, undefined, 2, 'string', true],
      [null, undefined, undefined, undefined, true],
    ]);
    expectSameMeaning(body, text);
  });

  it('takes whitespace between tokens, and says when a value holds some', () => {
    const scanned = scan(' \n{ "records" : [ { "value" : [ 1 , { "a" : 2 } ] , "key" : "k" } , {"value":[1,2]} ] }\t');
    expect(scanned?.records.map((r) => r.valueCompact)).toEqual([false, true]);
  });

  it('decodes escapes in keys, header values and encodings as JSON.parse does', () => {
    const text = '{"records":[{"key":"a\\u00e9\\"\\\\\\/\\ud83d\\ude00","value":1,"headers":{"h":"\\t\\u0000"}}]}';
    const scanned = scan(text) as ScannedBody;
    expect(scanned.records[0]?.key).toBe('aé"\\/😀');
    expect(scanned.records[0]?.headers).toEqual({ h: '\t\u0000' });
    expectSameMeaning(scanned, text);
  });

  it('reuses a header decoded for an earlier record only for the very same bytes', () => {
    const text =
      '{"records":[{"value":1,"headers":{"a":"\\t","b":"x"}},{"value":2,"headers":{"a":"","b":"x"}},{"value":3,"headers":{"a":"","bb":"x"}},{"value":4,"headers":{"b":"","a":"\\u0041"}},{"value":5,"headers":{"b":"y","a":"A"}}]}';
    const scanned = scan(text) as ScannedBody;
    expect(scanned.records.map((r) => r.headers)).toEqual([{ a: '\t', b: 'x' }, { a: '', b: 'x' }, { a: '', bb: 'x' }, { b: '', a: 'A' }, { b: 'y', a: 'A' }]);
    expectSameMeaning(scanned, text);
  });

  it.each([
    ['nesting at the limit', `{"records":[{"value":${nested(defaultValueLimits.maxDepth)}}]}`],
    ['the largest finite doubles', '{"records":[{"value":[1.7976931348623157e308,-1e308,1e-400,0.000]}]}'],
    ['a 300-digit integer', `{"records":[{"value":${'9'.repeat(300)}}]}`],
    ['partition -0', '{"records":[{"value":1,"partition":-0}]}'],
    ['partition 1.0 and 2e0', '{"records":[{"value":1,"partition":1.0},{"value":2,"partition":2e0}]}'],
    ['exactly max records', `{"records":[${Array.from({ length: MAX }, () => '{"value":1}').join(',')}]}`],
    ['__proto__ as a string, not a key', '{"records":[{"value":"__proto__","key":"constructor"}]}'],
    ['a header named like a field', '{"records":[{"value":1,"headers":{"records":"1","value":"2","__proto__x":"3"}}]}'],
  ])('takes %s, meaning what JSON.parse reads', (_name, text) => {
    const scanned = scan(text);
    expect(scanned).toBeDefined();
    expectSameMeaning(scanned as ScannedBody, text);
  });

  it.each([
    ['an empty body', ''],
    ['whitespace only', '  '],
    ['a byte-order mark', '\ufeff{"records":[{"value":1}]}'],
    ['invalid JSON', '{"records":[{"value":1}]'],
    ['trailing text', '{"records":[{"value":1}]}x'],
    ['a second document', '{"records":[{"value":1}]} {}'],
    ['a trailing comma', '{"records":[{"value":1},]}'],
    ['a leading zero', '{"records":[{"value":01}]}'],
    ['a bare dot', '{"records":[{"value":1.}]}'],
    ['NaN', '{"records":[{"value":NaN}]}'],
    ['a raw control character', '{"records":[{"value":"a\u0001"}]}'],
    ['a bad escape', '{"records":[{"value":"\\x41"}]}'],
    ['a short unicode escape', '{"records":[{"value":"\\u12"}]}'],
    ['an array body', '[{"value":1}]'],
    ['no records', '{}'],
    ['empty records', '{"records":[]}'],
    ['too many records', `{"records":[${Array.from({ length: MAX + 1 }, () => '{"value":1}').join(',')}]}`],
    ['an unknown top field', '{"records":[{"value":1}],"extra":1}'],
    ['records twice', '{"records":[{"value":1}],"records":[{"value":2}]}'],
    ['an unknown encoding', '{"records":[{"value":1}],"valueEncoding":"xml"}'],
    ['a record without value', '{"records":[{"key":"k"}]}'],
    ['an empty record', '{"records":[{}]}'],
    ['a field twice', '{"records":[{"value":1,"value":2}]}'],
    ['an unknown record field', '{"records":[{"value":1,"vaule":1}]}'],
    ['a misspelt field with escapes', '{"records":[{"\\u0076alue":1}]}'],
    ['a numeric key', '{"records":[{"value":1,"key":5}]}'],
    ['a negative partition', '{"records":[{"value":1,"partition":-1}]}'],
    ['a fractional partition', '{"records":[{"value":1,"partition":1.5}]}'],
    ['an unsafe partition', '{"records":[{"value":1,"partition":9007199254740993}]}'],
    ['a string partition', '{"records":[{"value":1,"partition":"1"}]}'],
    ['a header of a number', '{"records":[{"value":1,"headers":{"a":1}}]}'],
    ['headers null', '{"records":[{"value":1,"headers":null}]}'],
    ['a content-type header', '{"records":[{"value":1,"headers":{"Content-Type":"x"}}]}'],
    ['a header twice', '{"records":[{"value":1,"headers":{"a":"1","a":"2"}}]}'],
    ['a __proto__ header', '{"records":[{"value":1,"headers":{"__proto__":"x"}}]}'],
    ['a __proto__ key in a value', '{"records":[{"value":{"__proto__":{"x":1}}}]}'],
    ['a constructor key in a value', '{"records":[{"value":{"constructor":{"prototype":{}}}}]}'],
    ['an escaped key in a value', '{"records":[{"value":{"\\u005f_proto__":1}}]}'],
    ['nesting past the limit', `{"records":[{"value":${nested(defaultValueLimits.maxDepth + 1)}}]}`],
    ['1e400', '{"records":[{"value":[1e400]}]}'],
    ['-1e999', '{"records":[{"value":{"a":-1e999}}]}'],
    ['a 400-digit integer', `{"records":[{"value":${'9'.repeat(400)}}]}`],
  ])('leaves %s to the reference path', (_name, text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('leaves a body that is not valid UTF-8 to the reference path (which reads it with replacement characters)', () => {
    const bytes = Buffer.concat([Buffer.from('{"records":[{"value":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    expect(scan(bytes)).toBeUndefined();
  });

  it('stops at the nesting limit without recursing further (a body of thousands of brackets)', () => {
    expect(scan(`{"records":[{"value":${'['.repeat(100_000)}`)).toBeUndefined();
  });
});

// Keys the reference treats like any other (no escapes, no __proto__/constructor): bodies built
// from them must take the fast path.
const plainKey = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const plainValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(plainKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const commonRecord = fc.oneof(
  fc.record(
    { key: fc.option(fc.string({ maxLength: 12 }), { nil: null }), value: plainValue, headers: fc.dictionary(plainKey.filter((k) => k.toLowerCase() !== 'content-type'), fc.string({ maxLength: 12 }), { maxKeys: 3 }), partition: fc.nat({ max: 9 }), valueEncoding: fc.constantFrom('json', 'msgpack') },
    { requiredKeys: ['value'] },
  ),
  fc.record({ value: fc.string({ maxLength: 20 }), valueEncoding: fc.constant('string') }),
  fc.record({ value: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('base64')), valueEncoding: fc.constant('base64') }),
);
const commonBody = fc.record({ records: fc.array(commonRecord, { minLength: 1, maxLength: MAX }), valueEncoding: fc.constantFrom('json', 'msgpack') }, { requiredKeys: ['records'] });
/** Records whose headers share names and often values, as a batch from one producer does. */
const sharedHeaders = fc.array(fc.dictionary(fc.constantFrom('h', 'seq', 'trace-id'), fc.oneof(fc.constantFrom('', 'x', 'xy', 'p-1', '\t'), fc.string({ maxLength: 4 })), { maxKeys: 3 }), { minLength: 1, maxLength: MAX })
  .map((list) => ({ records: list.map((headers, i) => ({ value: i, headers })) }));

/** Near-valid bodies: any field may hold any JSON (the ingest fuzz suite's shape). */
const looseRecord = fc.record({ key: fc.jsonValue({ maxDepth: 1 }), value: fc.jsonValue({ maxDepth: 3 }), headers: fc.jsonValue({ maxDepth: 2 }), partition: fc.jsonValue({ maxDepth: 1 }), valueEncoding: fc.oneof(fc.constantFrom('json', 'string', 'xml'), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] });
const looseBody = fc.record({ records: fc.oneof(fc.array(looseRecord, { maxLength: MAX + 1 }), fc.jsonValue({ maxDepth: 2 })), valueEncoding: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] });

const SNIPPETS = ['1e400', '-1e999', 'NaN', '[[[[', ']]', '{"__proto__":{}}', '"constructor":{"prototype":{}}', '\u0000', '\\ud800', '\\u', '\\', ',', ':', '{}', 'null', '"', ' ', '\ufeff', '9'.repeat(400), '-', '.', 'e'];
const mutation = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat({ max: 3 }), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 4 })) });
const mutate = (text: string, edits: ReadonlyArray<{ at: number; cut: number; text: string }>): string =>
  edits.reduce((out, m) => {
    const at = Math.floor(m.at * out.length);
    return out.slice(0, at) + m.text + out.slice(at + m.cut);
  }, text);

describe('scanRequestBody against JSON.parse and the schema (fast-check)', () => {
  it('takes every common body, meaning exactly what the reference reads', () => {
    fc.assert(
      fc.property(fc.oneof(commonBody, sharedHeaders), (body) => {
        const text = JSON.stringify(body);
        const scanned = scan(text);
        expect(scanned, text).toBeDefined();
        expectSameMeaning(scanned as ScannedBody, text);
      }),
      { numRuns: 400 },
    );
  });

  it('never takes what the reference refuses, and means what it reads when it takes: any JSON, loose and mutated bodies', () => {
    const texts = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? ''),
      fc.tuple(commonBody, fc.constantFrom(0, 1, '\t', ' \r\n')).map(([b, indent]) => JSON.stringify(b, null, indent)),
      looseBody.map((b) => JSON.stringify(b)),
      fc.tuple(commonBody, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([b, edits]) => mutate(JSON.stringify(b), edits)),
      fc.tuple(looseBody, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([b, edits]) => mutate(JSON.stringify(b), edits)),
    );
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(texts, (text) => {
        const scanned = scan(text);
        if (scanned === undefined) {
          refused += 1;
          return;
        }
        taken += 1;
        expectSameMeaning(scanned, text);
      }),
      { numRuns: 2_000 },
    );
    // both sides seen often, or the property proved little
    expect(Math.min(taken, refused)).toBeGreaterThan(100);
  });

  it('encodes the same records as the reference path: JSON values byte for byte when sent compact', () => {
    const options = { defaultValueEncoding: 'json', maxRecordBytes: 1_000_000 } as const;
    fc.assert(
      fc.property(commonBody, (body) => {
        const text = JSON.stringify(body);
        const fast = encodeScannedRecords(scan(text) as ScannedBody, options);
        const slow = encodeRecords(parse(JSON.parse(text)), options);
        expect(fast).toEqual(slow);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeScannedRecords', () => {
  const options = { defaultValueEncoding: 'json', maxRecordBytes: 16 } as const;

  it('stores a compact JSON value as the sent bytes, and re-encodes one sent with whitespace', () => {
    const text = '{"records":[{"value":{"a":1.50}},{"value":{ "a" : 1.50 }}]}';
    const records = encodeScannedRecords(scan(text) as ScannedBody, options);
    expect(records?.map((r) => r.value.toString())).toEqual(['{"a":1.50}', '{"a":1.5}']);
    expect(records?.[0]?.headers).toEqual({ 'content-type': 'application/json' });
  });

  it.each([
    ['a value over the size limit', '{"records":[{"value":"0123456789abcdefg"}]}'],
    ['a number where valueEncoding is string', '{"records":[{"value":1,"valueEncoding":"string"}]}'],
    ['a bad base64 value', '{"records":[{"value":"A=","valueEncoding":"base64"}]}'],
  ])('leaves %s to the reference path, which names the problem', (_name, text) => {
    expect(encodeScannedRecords(scan(text) as ScannedBody, options)).toBeUndefined();
    expect(() => encodeRecords(parse(JSON.parse(text)), options)).toThrow(/records\[0\]\.value/);
  });
});
