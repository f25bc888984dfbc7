import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka } from '@lagscale/kafka-core/testing';
import type { IngestService } from '../src/ingest/index.js';
import { get, startService } from './ingest-helpers.js';
import { parseResponses, rawPost, sendRaw } from './raw-http.js';

// What the HTTP framework and Node's parser refuse before a route runs: the answers have the same
// `{"error":{"code","message"}}` shape as the ingest's own.
describe('HTTP ingest: the framework\'s own refusals use the one error shape', () => {
  const t = new TestKafka();
  let service: IngestService;
  let topic: string;
  let port: number;

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 1, prefix: 'ingest-framework' });
    service = await startService();
    port = service.address?.port ?? 0;
  });
  afterAll(async () => {
    await service?.stop();
    await t.cleanup();
  });

  const records = () => `/v1/topics/${topic}/records`;
  const cases: Array<{ name: string; request: () => string; status: number; code: string; message: RegExp; halfClose?: boolean }> = [
    { name: 'an unknown path outside /v1', request: () => 'GET /nope HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', status: 404, code: 'ROUTE_NOT_FOUND', message: /^no route GET \/nope; records go to POST/ },
    { name: 'the records route with GET', request: () => `GET ${records()} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, status: 405, code: 'METHOD_NOT_ALLOWED', message: /^records are sent with POST/ },
    { name: 'the records route with DELETE', request: () => `DELETE ${records()} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, status: 405, code: 'METHOD_NOT_ALLOWED', message: /^records are sent with POST/ },
    { name: 'a URL past the header limit', request: () => `GET /v1/${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, status: 431, code: 'HEADERS_TOO_LARGE', message: /exceed 16384 bytes/ },
    { name: 'a topic segment longer than any topic', request: () => rawPost(`/v1/topics/${'t'.repeat(300)}/records`, '{}'), status: 414, code: 'URL_TOO_LONG', message: /at most 249 characters/ },
    { name: 'a bad percent-encoding', request: () => rawPost('/v1/topics/%E0%A4%A/records', '{}'), status: 400, code: 'INVALID_URL', message: /bad percent-encoding/ },
    { name: 'a body shorter than its Content-Length', request: () => rawPost(records(), '{"records":[]}', { contentLength: 100 }), halfClose: true, status: 400, code: 'MALFORMED_HTTP', message: /ended before the body its Content-Length announced/ },
    { name: 'a request line that is not HTTP', request: () => 'HELLO THERE\r\n\r\n', status: 400, code: 'MALFORMED_HTTP', message: /not valid HTTP\/1.1/ },
    { name: 'a body naming a prototype key', request: () => rawPost(records(), '{"records":[{"value":{"__proto__":{"x":1}}}]}'), status: 400, code: 'MALFORMED_JSON', message: /JSON/ },
    { name: 'a value nested past the limit', request: () => rawPost(records(), `{"records":[{"value":${'['.repeat(5_000)}${']'.repeat(5_000)}}]}`), status: 400, code: 'INVALID_VALUE', message: /^records\[0\]\.value nests deeper than 64 levels; the limit is 64$/ },
    { name: 'a number past a double', request: () => rawPost(records(), '{"records":[{"value":{"n":1e400}}]}'), status: 400, code: 'INVALID_VALUE', message: /^records\[0\]\.value holds a number too large for a double/ },
  ];

  it.each(cases)('$name → $status $code', async (c) => {
    const [response, ...rest] = parseResponses(await sendRaw(port, c.request(), { halfClose: c.halfClose ?? false }));
    expect(rest).toEqual([]);
    expect(response?.status).toBe(c.status);
    expect(response?.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response?.body ?? '') as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error)).toEqual(['code', 'message']);
    expect(body.error.code).toBe(c.code);
    expect(body.error.message).toMatch(c.message);
  });

  it('a body longer than its Content-Length: its first part is answered, the rest is refused as HTTP', async () => {
    const responses = parseResponses(await sendRaw(port, `${rawPost(records(), '{"records":[{"value":1}]}', { contentLength: 5 })}`));
    expect(responses.length).toBeGreaterThanOrEqual(1);
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(Object.keys(JSON.parse(response.body) as object)).toEqual(['error']);
    }
  });

  it('405 names the allowed method', async () => {
    const [response] = parseResponses(await sendRaw(port, `PUT ${records()} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`));
    expect(response?.headers.allow).toBe('POST');
  });

  it('stored nothing, and counted every refusal by code', async () => {
    const offsets = await t.admin.fetchTopicOffsets(topic);
    expect(offsets.map((o) => o.high)).toEqual(['0']);
    const metrics = (await get(service, '/metrics')).text;
    for (const code of ['METHOD_NOT_ALLOWED', 'HEADERS_TOO_LARGE', 'URL_TOO_LONG', 'INVALID_URL', 'MALFORMED_HTTP', 'ROUTE_NOT_FOUND', 'INVALID_VALUE']) {
      expect(metrics).toMatch(new RegExp(`producer_gen_ingest_rejected_total\\{code="${code}",app="producer-gen"\\} [1-9]`));
    }
    expect((await get(service, '/healthz')).status).toBe(200);
  });
});
