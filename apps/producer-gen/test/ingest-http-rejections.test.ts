import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import type { IngestService } from '../src/ingest/index.js';
import { get, post, startService } from './ingest-helpers.js';

function error(code: string, message: string) {
  return { error: { code, message } };
}

describe('bad input: a 4xx with a JSON error body, never a 5xx', () => {
  const t = new TestKafka();
  let service: IngestService;
  // Every rejected request goes to this topic, which must stay empty.
  let topic: string;

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 1, prefix: 'ingest-bad' });
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
    await t.cleanup();
  });

  const one = { records: [{ value: 1 }] };
  const cases: Array<{ name: string; topic?: string; body?: unknown; raw?: string; headers?: Record<string, string>; status: number; code: string; message: string }> = [
    { name: 'malformed JSON', raw: '{"records": [', status: 400, code: 'MALFORMED_JSON', message: 'body is not valid JSON' },
    { name: 'an empty body', raw: '', status: 400, code: 'MALFORMED_JSON', message: 'body is empty; expected a JSON object with a records array' },
    { name: 'a body that is not an object', body: [1, 2], status: 400, code: 'INVALID_BODY', message: 'body must be a JSON object with a records array' },
    { name: 'no records field', body: { record: [] }, status: 400, code: 'INVALID_BODY', message: 'body has unknown field "record"' },
    { name: 'records missing', body: {}, status: 400, code: 'INVALID_BODY', message: 'records is required' },
    { name: 'records not an array', body: { records: { value: 1 } }, status: 400, code: 'INVALID_BODY', message: 'records must be an array of records' },
    { name: 'a record that is not an object', body: { records: [{ value: 1 }, 7] }, status: 400, code: 'INVALID_BODY', message: 'records[1] must be an object with a value' },
    { name: 'a record without a value', body: { records: [{ value: 1 }, { key: 'k' }] }, status: 400, code: 'INVALID_BODY', message: 'records[1].value is required' },
    {
      name: 'a negative partition',
      body: { records: [{ value: 1 }, { value: 1 }, { value: 1 }, { value: 1, partition: -1 }] },
      status: 400,
      code: 'INVALID_BODY',
      message: 'records[3].partition must be a non-negative integer',
    },
    { name: 'a fractional partition', body: { records: [{ value: 1, partition: 1.5 }] }, status: 400, code: 'INVALID_BODY', message: 'records[0].partition must be a non-negative integer' },
    { name: 'a partition given as a string', body: { records: [{ value: 1, partition: '1' }] }, status: 400, code: 'INVALID_BODY', message: 'records[0].partition must be a non-negative integer' },
    { name: 'a numeric key', body: { records: [{ value: 1, key: 5 }] }, status: 400, code: 'INVALID_BODY', message: 'records[0].key must be a string or null' },
    { name: 'a non-string header', body: { records: [{ value: 1, headers: { n: 1 } }] }, status: 400, code: 'INVALID_BODY', message: 'records[0].headers.n must be a string' },
    {
      name: 'a content-type header',
      body: { records: [{ value: 1, headers: { 'Content-Type': 'x' } }] },
      status: 400,
      code: 'INVALID_BODY',
      message: 'records[0].headers["Content-Type"] is reserved: the gateway sets it from valueEncoding',
    },
    { name: 'a misspelt field', body: { records: [{ value: 1, partiton: 1 }] }, status: 400, code: 'INVALID_BODY', message: 'records[0] has unknown field "partiton"' },
    {
      name: 'an unknown value encoding',
      body: { records: [{ value: 1 }], valueEncoding: 'xml' },
      status: 400,
      code: 'INVALID_BODY',
      message: 'valueEncoding must be one of json, msgpack, string, base64',
    },
    {
      name: 'a number with the string encoding',
      body: { records: [{ value: 'ok' }, { value: 5 }], valueEncoding: 'string' },
      status: 400,
      code: 'INVALID_VALUE',
      message: 'records[1].value must be a string when valueEncoding is "string"',
    },
    {
      name: 'bad base64',
      body: { records: [{ value: 'not base64!', valueEncoding: 'base64' }] },
      status: 400,
      code: 'INVALID_VALUE',
      message: 'records[0].value must be a base64 string (A-Z a-z 0-9 + /, padded with =) when valueEncoding is "base64"',
    },
    { name: 'an empty batch', body: { records: [] }, status: 400, code: 'EMPTY_BATCH', message: 'records must hold at least one record' },
    {
      name: 'too many records',
      body: { records: Array.from({ length: 101 }, () => ({ value: 1 })) },
      status: 413,
      code: 'TOO_MANY_RECORDS',
      message: 'records holds 101 records; at most 100 are accepted per request',
    },
    {
      name: 'an oversized record',
      body: { records: [{ value: 'a' }, { value: 'a' }, { value: 'x'.repeat(1_100), valueEncoding: 'string' }] },
      status: 413,
      code: 'RECORD_TOO_LARGE',
      message: 'records[2].value is 1100 bytes encoded; the limit is 1024 bytes per record',
    },
    {
      name: 'a body over the request limit',
      body: { records: Array.from({ length: 100 }, () => ({ value: 'y'.repeat(1_000), valueEncoding: 'string' })) },
      status: 413,
      code: 'BODY_TOO_LARGE',
      message: 'body is larger than 65536 bytes',
    },
    { name: 'an unknown topic', topic: 'no-such-topic-ingest', body: one, status: 404, code: 'TOPIC_NOT_FOUND', message: 'topic "no-such-topic-ingest" does not exist' },
    {
      name: 'an invalid topic name',
      topic: 'bad topic!',
      body: one,
      status: 400,
      code: 'INVALID_TOPIC_NAME',
      message: 'topic "bad topic!" is not a valid name: use 1–249 characters from a-z A-Z 0-9 . _ -',
    },
    { name: 'an internal topic', topic: '__consumer_offsets', body: one, status: 403, code: 'TOPIC_NOT_ALLOWED', message: 'topic "__consumer_offsets" is internal to Kafka' },
    {
      name: 'a partition the topic lacks',
      body: { records: [{ value: 1, partition: 0 }, { value: 1, partition: 1 }] },
      status: 400,
      code: 'PARTITION_OUT_OF_RANGE',
      message: 'records[1].partition is 1, but topic "<topic>" has 1 partition (0–0)',
    },
    {
      name: 'a text/plain body',
      raw: 'hello',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'content-type must be application/json (got "text/plain")',
    },
    {
      name: 'no content type',
      raw: '{"records":[{"value":1}]}',
      headers: { 'content-type': '' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'content-type must be application/json (got "")',
    },
  ];

  it.each(cases)('$name → $status $code', async (c) => {
    const result = await post(service, c.topic ?? topic, c.body, { ...(c.raw !== undefined ? { raw: c.raw } : {}), ...(c.headers ? { headers: c.headers } : {}) });
    expect(result.status).toBe(c.status);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.body).toEqual(error(c.code, c.message.replace('<topic>', topic)));
  });

  it('an unknown route under /v1 → 404 ROUTE_NOT_FOUND', async () => {
    const response = await fetch(`${service.address?.url}/v1/topics/${topic}/record`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(
      error('ROUTE_NOT_FOUND', `no route POST /v1/topics/${topic}/record; records go to POST /v1/topics/:topic/records`),
    );
  });

  it('stored nothing for any rejected request, and the server is still healthy', async () => {
    expect(await get(service, '/healthz')).toMatchObject({ status: 200 });
    const { messages } = await t.collect({ topic, groupId: t.groupId('untouched'), fromBeginning: true });
    const ok = await post(service, topic, { records: [{ value: 'only' }] });
    expect(ok).toMatchObject({ status: 200, body: { records: [{ partition: 0, offset: 0 }] } });
    await waitFor(() => messages.length >= 1, { description: 'the one record' });
    expect(messages.map((m) => m.value?.toString())).toEqual(['"only"']);
  });

  it('finds a topic created after a 404 (unknown topics are not cached)', async () => {
    const late = `late-${Date.now().toString(36)}`;
    expect((await post(service, late, one)).status).toBe(404);
    await t.admin.createTopics({ waitForLeaders: true, topics: [{ topic: late, numPartitions: 1 }] });
    try {
      await waitFor(async () => (await post(service, late, one)).status === 200, { timeoutMs: 10_000, description: 'the new topic accepted' });
    } finally {
      await t.admin.deleteTopics({ topics: [late] });
    }
  });

  it('counts rejections by code, and requests by route and status, in /metrics', async () => {
    const metrics = (await get(service, '/metrics')).text;
    const route = 'route="/v1/topics/:topic/records"';
    expect(metrics).toContain(`producer_gen_ingest_requests_total{${route},status="413",app="producer-gen"} 3`);
    expect(metrics).toContain(`producer_gen_ingest_requests_total{${route},status="415",app="producer-gen"} 2`);
    expect(metrics).toContain('producer_gen_ingest_requests_total{route="unmatched",status="404",app="producer-gen"} 1');
    expect(metrics).toContain('producer_gen_ingest_rejected_total{code="MALFORMED_JSON",app="producer-gen"} 2');
    expect(metrics).toContain('producer_gen_ingest_rejected_total{code="TOO_MANY_RECORDS",app="producer-gen"} 1');
    expect(metrics).toContain('producer_gen_ingest_rejected_total{code="TOPIC_NOT_FOUND",app="producer-gen"}');
    expect(metrics).not.toMatch(/status="5\d\d"/);
  });
});

describe('HTTP ingest with a token and an allow-list', () => {
  const t = new TestKafka();
  const token = 's3cret-token-for-tests';
  let service: IngestService;
  let allowed: string;
  let other: string;

  beforeAll(async () => {
    [allowed, other] = await Promise.all([t.createTopic({ prefix: 'ingest-allowed' }), t.createTopic({ prefix: 'ingest-other' })]);
    service = await startService({ authToken: token, allowedTopics: [allowed] });
  });
  afterAll(async () => {
    await service?.stop();
    await t.cleanup();
  });

  const body = { records: [{ value: 1 }] };

  it('a missing token → 401 with a Bearer challenge', async () => {
    const result = await post(service, allowed, body);
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer realm="producer-gen"');
    expect(result.body).toEqual(error('UNAUTHORIZED', 'a bearer token is required (Authorization: Bearer <token>)'));
  });

  it.each([
    { name: 'a wrong token', authorization: 'Bearer not-the-token' },
    { name: 'a token with a suffix', authorization: `Bearer ${token}x` },
    { name: 'another scheme', authorization: `Basic ${token}` },
  ])('$name → 401 invalid_token', async ({ authorization }) => {
    const result = await post(service, allowed, body, { headers: { authorization } });
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer realm="producer-gen", error="invalid_token"');
    expect(result.body).toEqual(error('UNAUTHORIZED', 'the bearer token is not valid'));
  });

  it('checks the token before reading the body', async () => {
    const result = await post(service, allowed, undefined, { raw: '{not json', headers: { authorization: 'Bearer nope' } });
    expect(result.status).toBe(401);
  });

  it('the right token → 200; a topic off the allow-list → 403', async () => {
    const authorization = `Bearer ${token}`;
    expect(await post(service, allowed, body, { headers: { authorization } })).toMatchObject({ status: 200, body: { records: [{ partition: 0, offset: 0 }] } });
    expect(await post(service, other, body, { headers: { authorization } })).toMatchObject({
      status: 403,
      body: error('TOPIC_NOT_ALLOWED', `topic "${other}" does not accept records through this gateway`),
    });
  });

  it('leaves the ops endpoints open for probes and scrapes', async () => {
    expect((await get(service, '/readyz')).status).toBe(200);
    expect((await get(service, '/metrics')).status).toBe(200);
  });
});
