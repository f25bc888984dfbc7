// The hand-written fast check must never accept what the schema rejects, and must accept the
// common valid shapes (else it saves nothing). Checked on many variants of one body.
import { describe, expect, it } from 'vitest';
import { acceptsAsIs, requestSchema } from './ingest-request.js';

const MAX = 5;
const schema = requestSchema(MAX);

type Body = Record<string, unknown>;
type Rec = Record<string, unknown>;
const base = (): Body => ({
  records: [
    { key: 'user-1', value: { a: 1, b: [1, 2], c: null }, headers: { 'lagscale-seq': '1', x: '' } },
    { key: null, value: 'text', partition: 3, valueEncoding: 'string' },
    { value: 0 },
  ],
});

const recordVariants: Array<[string, (r: Rec) => void]> = [
  ['as is', () => undefined],
  ['value null', (r) => (r.value = null)],
  ['value false', (r) => (r.value = false)],
  ['value missing', (r) => delete r.value],
  ['value undefined', (r) => (r.value = undefined)],
  ['key undefined', (r) => (r.key = undefined)],
  ['key number', (r) => (r.key = 5)],
  ['key object', (r) => (r.key = {})],
  ['partition 0', (r) => (r.partition = 0)],
  ['partition -0', (r) => (r.partition = -0)],
  ['partition -1', (r) => (r.partition = -1)],
  ['partition 1.5', (r) => (r.partition = 1.5)],
  ['partition 2^60', (r) => (r.partition = 2 ** 60)],
  ['partition string', (r) => (r.partition = '1')],
  ['partition null', (r) => (r.partition = null)],
  ['partition NaN', (r) => (r.partition = Number.NaN)],
  ['headers empty', (r) => (r.headers = {})],
  ['headers null', (r) => (r.headers = null)],
  ['headers array', (r) => (r.headers = ['a'])],
  ['header number', (r) => (r.headers = { a: 1 })],
  ['header null', (r) => (r.headers = { a: null })],
  ['header content-type', (r) => (r.headers = { 'content-type': 'x' })],
  ['header Content-Type', (r) => (r.headers = { 'Content-Type': 'x' })],
  ['header __proto__ name', (r) => (r.headers = JSON.parse('{"__proto__x":"1"}') as unknown)],
  ['valueEncoding msgpack', (r) => (r.valueEncoding = 'msgpack')],
  ['valueEncoding base64', (r) => (r.valueEncoding = 'base64')],
  ['valueEncoding bad', (r) => (r.valueEncoding = 'avro')],
  ['valueEncoding null', (r) => (r.valueEncoding = null)],
  ['unknown field', (r) => (r.vaule = 1)],
  ['record is array', () => undefined],
];

const bodyVariants: Array<[string, (b: Body) => unknown]> = [
  ['as is', (b) => b],
  ['valueEncoding json', (b) => ({ ...b, valueEncoding: 'json' })],
  ['valueEncoding bad', (b) => ({ ...b, valueEncoding: 'xml' })],
  ['unknown top field', (b) => ({ ...b, extra: 1 })],
  ['no records', () => ({})],
  ['empty records', () => ({ records: [] })],
  ['too many records', () => ({ records: Array.from({ length: MAX + 1 }, () => ({ value: 1 })) })],
  ['exactly max records', () => ({ records: Array.from({ length: MAX }, () => ({ value: 1 })) })],
  ['records not array', () => ({ records: { 0: { value: 1 } } })],
  ['record null', () => ({ records: [null] })],
  ['record array', () => ({ records: [[{ value: 1 }]] })],
  ['body array', () => [{ value: 1 }]],
  ['body string', () => 'records'],
  ['body null', () => null],
  ['body with null prototype', (b) => Object.assign(Object.create(null) as Body, b)],
  ['body a class instance', (b) => Object.assign(new (class Req {})(), b)],
];

describe('acceptsAsIs', () => {
  const cases: Array<{ name: string; body: unknown }> = [];
  for (const [name, mutate] of recordVariants) {
    for (const index of [0, 1, 2]) {
      const body = base();
      mutate((body.records as Rec[])[index] as Rec);
      cases.push({ name: `records[${index}] ${name}`, body: JSON.parse(JSON.stringify(body)) as unknown });
      cases.push({ name: `records[${index}] ${name} (not from JSON)`, body });
    }
  }
  for (const [name, make] of bodyVariants) cases.push({ name: `body ${name}`, body: make(base()) });

  it.each(cases)('agrees with the schema: $name', ({ body }) => {
    const fast = acceptsAsIs(body, MAX);
    const reference = schema.safeParse(body);
    if (fast) {
      expect(reference.success).toBe(true);
      expect(reference.data).toEqual(body);
    }
  });

  it('accepts the shapes clients send most: every valid variant parsed from JSON', () => {
    const fromJson = cases.filter((c) => !c.name.endsWith('(not from JSON)') && !c.name.includes('prototype') && !c.name.includes('class instance'));
    const missed = fromJson.filter((c) => schema.safeParse(c.body).success && !acceptsAsIs(c.body, MAX)).map((c) => c.name);
    expect(missed).toEqual([]);
    expect(fromJson.filter((c) => acceptsAsIs(c.body, MAX)).length).toBeGreaterThan(20);
  });
});
