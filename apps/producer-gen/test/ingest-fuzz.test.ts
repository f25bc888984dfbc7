import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka } from '@lagscale/kafka-core/testing';
import type { IngestService } from '../src/ingest/index.js';
import { get, startService, testLimits } from './ingest-helpers.js';
import { parseResponses, rawPost, sendRaw } from './raw-http.js';

// Property-based: random and mutated requests against a real ingest on the real broker. Whatever
// arrives, the answer is a 2xx or a 4xx in the one error shape, never a 5xx; the server lives on;
// and the topic holds exactly the records that 200s acknowledged, at the offsets they named.

const RUNS = { bodies: 150, mutated: 150, http: 80 } as const;
const PARTITIONS = 2;

/** Bodies the ingest must accept (bar size limits): the base the mutations start from. */
const headersArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((name) => name.toLowerCase() !== 'content-type'), fc.string({ maxLength: 20 }), { maxKeys: 3 });
const common = { key: fc.option(fc.string({ maxLength: 20 }), { nil: null }), headers: headersArb, partition: fc.nat({ max: PARTITIONS - 1 }) };
const validRecord = fc.oneof(
  fc.record({ ...common, value: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: ['value'] }),
  fc.record({ ...common, value: fc.string({ maxLength: 50 }), valueEncoding: fc.constant('string') }, { requiredKeys: ['value', 'valueEncoding'] }),
  fc.record({ ...common, value: fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64')), valueEncoding: fc.constant('base64') }, { requiredKeys: ['value', 'valueEncoding'] }),
);
const validBody = fc.record({ records: fc.array(validRecord, { minLength: 1, maxLength: 5 }), valueEncoding: fc.constantFrom('json', 'msgpack') }, { requiredKeys: ['records'] });

/** Near-valid bodies: any field may hold any JSON, partitions may be out of range. */
const looseRecord = fc.record(
  {
    key: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 })),
    value: fc.jsonValue({ maxDepth: 4 }),
    headers: fc.oneof(headersArb, fc.jsonValue({ maxDepth: 2 })),
    partition: fc.oneof(fc.integer({ min: -1, max: PARTITIONS }), fc.jsonValue({ maxDepth: 1 })),
    valueEncoding: fc.oneof(fc.constantFrom('json', 'msgpack', 'string', 'base64', 'xml'), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
);
const looseBody = fc.record({ records: fc.oneof(fc.array(looseRecord, { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), valueEncoding: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] });

/** Edits to a body's text: what a buggy client, a proxy or an attacker might send instead. */
const SNIPPETS = ['1e400', '-1e999', 'NaN', '[[[[[[[[', ']]]]', '{"__proto__":{}}', '"constructor":{"prototype":{}}', '\u0000', '\\ud800', ',', ':', '{}', 'null', '"', '9'.repeat(400), '['.repeat(3_000)];
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.string({ minLength: 1, maxLength: 2 }) }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = Math.floor(m.at * out.length);
    if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else out = out.slice(0, at) + m.text + out.slice(at + m.text.length);
  }
  return out;
}

interface Acknowledged {
  partition: number;
  offset: number;
}

describe('HTTP ingest under random and mutated requests (fast-check)', () => {
  const t = new TestKafka();
  let service: IngestService;
  let topic: string;
  let port: number;
  const acknowledged: Acknowledged[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'ingest-fuzz' });
    service = await startService();
    port = service.address?.port ?? 0;
  });
  afterAll(async () => {
    await service?.stop();
    await t.cleanup();
  });

  /** Checks one raw exchange: every answer a 2xx or a 4xx in the error shape; 200s recorded. */
  function check(raw: string, method = 'POST'): void {
    const responses = parseResponses(raw);
    // Node may close without answering a request it could not even read; that is not a 5xx.
    for (const response of responses) {
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, response.body).toBeLessThan(500);
      // A HEAD answer carries its headers only.
      if (method === 'HEAD') continue;
      const body = JSON.parse(response.body) as { error?: { code: unknown; message: unknown }; records?: Acknowledged[] };
      if (response.status === 200) {
        expect(Array.isArray(body.records)).toBe(true);
        acknowledged.push(...(body.records ?? []));
      } else {
        expect(Object.keys(body)).toEqual(['error']);
        expect(typeof body.error?.code).toBe('string');
        expect(typeof body.error?.message).toBe('string');
      }
    }
  }

  const records = () => `/v1/topics/${topic}/records`;

  it('random JSON bodies', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 5 }), validBody, looseBody), async (body) => {
        check(await sendRaw(port, rawPost(records(), JSON.stringify(body) ?? '')));
      }),
      { numRuns: RUNS.bodies },
    );
  });

  it('mutated bodies', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(validBody, fc.array(mutationArb, { minLength: 0, maxLength: 4 }), async (body, mutations) => {
        check(await sendRaw(port, rawPost(records(), mutate(JSON.stringify(body), mutations))));
      }),
      { numRuns: RUNS.mutated },
    );
  });

  it('mutated HTTP: methods, paths, content types and Content-Lengths that lie', { timeout: 120_000 }, async () => {
    const requestArb = fc.record({
      method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'BREW'),
      path: fc.oneof(
        fc.constant(records()),
        fc.webPath(),
        fc.string({ maxLength: 40 }).map((s) => `/v1/topics/${encodeURIComponent(s)}/records`),
        fc.constantFrom('/v1/topics/%zz/records', '/v1', '/', '/metrics', '/readyz', `/v1/topics/${'x'.repeat(400)}/records`),
      ),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''),
      body: validBody.map((b) => JSON.stringify(b)),
      lengthDelta: fc.oneof(fc.constant(0), fc.integer({ min: -20, max: 20 })),
    });
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const length = Math.max(0, Buffer.byteLength(r.body) + r.lengthDelta);
        const path = /^[\x21-\x7e]*$/.test(r.path) && r.path.startsWith('/') ? r.path : '/';
        const head = `${r.method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${r.contentType === '' ? '' : `content-type: ${r.contentType}\r\n`}content-length: ${length}\r\n\r\n`;
        // A body shorter than announced ends with our half-close; anything else waits for the answer.
        const raw = await sendRaw(port, head + r.body, { halfClose: r.lengthDelta > 0 });
        // The ops endpoints answer in their own formats; only refusals must have the error shape.
        if (path === '/metrics' || path === '/readyz' || path.startsWith('/healthz')) return;
        check(raw, r.method);
      }),
      { numRuns: RUNS.http },
    );
  });

  it('lived through it all, and the topic holds exactly what 200s acknowledged', { timeout: 60_000 }, async () => {
    expect((await get(service, '/healthz')).status).toBe(200);
    // A run that never succeeded or never refused would prove little.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect(acknowledged.length).toBeLessThanOrEqual((RUNS.bodies + RUNS.mutated + RUNS.http) * testLimits.maxRecordsPerRequest);
    const offsets = await t.admin.fetchTopicOffsets(topic);
    const stored = offsets.flatMap((o) => Array.from({ length: Number(o.high) }, (_, offset) => `${o.partition}:${offset}`)).sort();
    expect(stored).toEqual(acknowledged.map((a) => `${a.partition}:${a.offset}`).sort());
  });
});
