import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_TYPE_HEADER, msgpackCodec } from '@lagscale/codecs';
import { createRegistry, partitionForKey, silentLogger } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitFor, type CollectedMessage } from '@lagscale/kafka-core/testing';
import { get, post, startService, type HttpResult } from './ingest-helpers.js';
import { createIngestService, defaultIngestConfig, type IngestService, type RecordPosition } from '../src/ingest/index.js';

function positionsOf(result: HttpResult): RecordPosition[] {
  return (result.body as { records: RecordPosition[] }).records;
}

const at = (partition: number, offset: number | string): string => `${partition}:${offset}`;

/** Collects the whole topic and waits until every position is there; returns them by position. */
async function readBack(t: TestKafka, topic: string, positions: readonly RecordPosition[]): Promise<Map<string, CollectedMessage>> {
  const { messages } = await t.collect({ topic, groupId: t.groupId('ingest-readback'), fromBeginning: true });
  const wanted = new Set(positions.map((p) => at(p.partition, p.offset)));
  await waitFor(() => messages.filter((m) => wanted.has(at(m.partition, m.offset))).length === wanted.size, {
    timeoutMs: 30_000,
    description: `${wanted.size} ingested records read back`,
  });
  return new Map(messages.map((m) => [at(m.partition, m.offset), m]));
}

const header = (message: CollectedMessage | undefined, name: string): string | undefined => message?.headers?.[name]?.toString();

interface Vector {
  keyUtf8: string | null;
  partitions: Record<string, number>;
}

// Partitions the Java client (kafka-clients' BuiltInPartitioner) chose for these keys.
const javaVectors = (
  JSON.parse(readFileSync(new URL('../../../libs/kafka-core/test/fixtures/murmur2-vectors.json', import.meta.url), 'utf8')) as Vector[]
).flatMap((v) => (v.keyUtf8 === null ? [] : [{ key: v.keyUtf8, partition: v.partitions['6'] }]));

describe('HTTP ingest on the real broker', () => {
  const t = new TestKafka();
  let service: IngestService;
  let topic6: string;

  beforeAll(async () => {
    topic6 = await t.createTopic({ partitions: 6, prefix: 'ingest6' });
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
    await t.cleanup();
  });

  it('listens on 127.0.0.1 and is ready once the producer is connected', async () => {
    expect(service.address?.host).toBe('127.0.0.1');
    expect(service.state).toBe('running');
    expect(await get(service, '/healthz')).toEqual({ status: 200, text: JSON.stringify({ status: 'ok' }) });
    expect(await get(service, '/readyz')).toEqual({ status: 200, text: JSON.stringify({ status: 'ready', checks: { kafka: 'ok' } }) });
  });

  it('stores every record where the response says: keys on their Java partition, values encoded, headers stamped', async () => {
    const records = [
      { key: 'user-42', value: { action: 'click', n: 1 } },
      { key: 'user-42', value: 'text', valueEncoding: 'string', headers: { trace: 'abc' } },
      { key: null, value: [1, 2, 3], partition: 5 },
      { value: 'AAEC/w==', valueEncoding: 'base64' },
      { key: 'sensor-0001', value: { v: 1.5 }, valueEncoding: 'msgpack' },
      { key: 'user-42', value: null },
    ];
    const result = await post(service, topic6, { records });
    expect(result.status).toBe(200);
    const positions = positionsOf(result);
    expect(positions).toHaveLength(records.length);

    const javaPartition = (key: string) => javaVectors.find((v) => v.key === key)?.partition;
    expect(positions[0]?.partition).toBe(javaPartition('user-42'));
    expect(positions[4]?.partition).toBe(javaPartition('sensor-0001'));
    expect(positions[2]?.partition).toBe(5);
    expect(positions[1]?.partition).toBe(positions[0]?.partition);
    expect(positions[5]?.partition).toBe(positions[0]?.partition);
    // Records of one partition in one request get consecutive offsets in request order.
    for (const partition of new Set(positions.map((p) => p.partition))) {
      const offsets = positions.filter((p) => p.partition === partition).map((p) => p.offset);
      expect(offsets).toEqual(offsets.map((_, i) => (offsets[0] ?? 0) + i));
    }

    const stored = await readBack(t, topic6, positions);
    const message = (i: number) => stored.get(at(positions[i]?.partition ?? -1, positions[i]?.offset ?? -1));
    expect(message(0)?.key?.toString()).toBe('user-42');
    expect(message(0)?.value?.toString()).toBe('{"action":"click","n":1}');
    expect(header(message(0), CONTENT_TYPE_HEADER)).toBe('application/json');
    expect(message(1)?.value?.toString()).toBe('text');
    expect(header(message(1), CONTENT_TYPE_HEADER)).toBe('text/plain; charset=utf-8');
    expect(header(message(1), 'trace')).toBe('abc');
    expect(message(2)?.key).toBeNull();
    expect(message(2)?.value?.toString()).toBe('[1,2,3]');
    expect(message(3)?.value).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(header(message(3), CONTENT_TYPE_HEADER)).toBe('application/octet-stream');
    expect(msgpackCodec.decode(message(4)?.value ?? Buffer.alloc(0))).toEqual({ v: 1.5 });
    expect(header(message(4), CONTENT_TYPE_HEADER)).toBe('application/msgpack');
    expect(message(5)?.value?.toString()).toBe('null');
  });

  it('places every key of the Java client vectors on the Java partition, in one request', async () => {
    expect(javaVectors.length).toBeGreaterThan(40);
    const result = await post(service, topic6, { records: javaVectors.map((v, i) => ({ key: v.key, value: i })) });
    expect(result.status).toBe(200);
    const positions = positionsOf(result);
    expect(positions.map((p) => p.partition)).toEqual(javaVectors.map((v) => v.partition));
    expect(positions.map((p) => p.partition)).toEqual(javaVectors.map((v) => partitionForKey(v.key, 6)));

    const stored = await readBack(t, topic6, positions);
    positions.forEach((p, i) => {
      expect(stored.get(at(p.partition, p.offset))?.key?.toString()).toBe(javaVectors[i]?.key);
      expect(stored.get(at(p.partition, p.offset))?.value?.toString()).toBe(String(i));
    });
  });

  it('keeps keyless records of one request together and spreads requests over the partitions', async () => {
    const partitions = new Set<number>();
    for (let request = 0; request < 6; request += 1) {
      const result = await post(service, topic6, { records: [{ value: 1 }, { value: 2 }, { value: 3 }] });
      expect(result.status).toBe(200);
      const positions = positionsOf(result);
      expect(new Set(positions.map((p) => p.partition)).size).toBe(1);
      expect(positions.map((p) => p.offset - (positions[0]?.offset ?? 0))).toEqual([0, 1, 2]);
      partitions.add(positions[0]?.partition ?? -1);
    }
    expect(partitions.size).toBe(6);
  });

  it('answers a concurrent burst of 50 requests × 100 records, every record acknowledged at a distinct offset', { timeout: 60_000 }, async () => {
    const topic = await t.createTopic({ partitions: 3, prefix: 'ingest-burst' });
    const requests = Array.from({ length: 50 }, (_, r) => ({
      records: Array.from({ length: 100 }, (_, i) => ({ key: `k-${(r * 7 + i) % 31}`, value: { r, i } })),
    }));
    const results = await Promise.all(requests.map((body) => post(service, topic, body)));
    expect(results.map((r) => r.status)).toEqual(requests.map(() => 200));

    const positions = results.flatMap(positionsOf);
    expect(positions).toHaveLength(5_000);
    expect(new Set(positions.map((p) => at(p.partition, p.offset))).size).toBe(5_000);
    requests.forEach((body, r) =>
      positionsOf(results[r] as HttpResult).forEach((p, i) => expect(p.partition).toBe(partitionForKey(body.records[i]?.key ?? '', 3))),
    );

    const stored = await readBack(t, topic, positions);
    expect(stored.size).toBe(5_000);
    results.forEach((result, r) =>
      positionsOf(result).forEach((p, i) => expect(stored.get(at(p.partition, p.offset))?.value?.toString()).toBe(JSON.stringify({ r, i }))),
    );
  });

  it('counts requests by route and status, records by topic, and latency, in /metrics', async () => {
    const metrics = (await get(service, '/metrics')).text;
    const route = 'route="/v1/topics/:topic/records"';
    // Every request above was a 200: 1 + 1 + 6 + 50 of them, carrying 6 + vectors + 18 records on topic6.
    expect(metrics).toContain(`producer_gen_ingest_requests_total{${route},status="200",app="producer-gen"} 58`);
    expect(metrics).toContain(`producer_gen_ingest_records_total{topic="${topic6}",app="producer-gen"} ${6 + javaVectors.length + 18}`);
    expect(metrics).toMatch(/producer_gen_ingest_records_total\{topic="ingest-burst-[^"]+",app="producer-gen"\} 5000\n/);
    expect(metrics).toContain(`producer_gen_ingest_request_latency_seconds_count{app="producer-gen",${route},status="200"} 58`);
    expect(metrics).not.toContain('producer_gen_ingest_rejected_total{');
  });
});

describe('ingest service lifecycle', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('finishes a request in flight when stopped, then refuses connections; stop() is idempotent', async () => {
    const topic = await t.createTopic({ prefix: 'ingest-stop' });
    const service = createIngestService({
      kafkaConfig: testKafkaConfig(),
      ingestConfig: { ...defaultIngestConfig, port: 0 },
      logger: silentLogger(),
      registry: createRegistry({ app: 'producer-gen', defaultMetrics: false }),
    });
    expect(service.state).toBe('new');
    expect(service.address).toBeUndefined();
    await service.start();
    const url = service.address?.url;

    // Once the server has seen the request, fastify has routed it: it is in flight.
    const arrived = new Promise((resolve) => service.app.server.once('request', resolve));
    const pending = post(service, topic, { records: [{ value: 'in flight' }] });
    await arrived;
    const stopped = Promise.all([service.stop(), service.stop()]);
    const result = await pending;
    await stopped;
    expect(result).toMatchObject({ status: 200, body: { records: [{ partition: 0, offset: 0 }] } });
    expect(service.state).toBe('stopped');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await service.stop();

    const { messages } = await t.collect({ topic, groupId: t.groupId('stop'), fromBeginning: true });
    await waitFor(() => messages.length === 1, { description: 'the in-flight record' });
    expect(messages[0]?.value?.toString()).toBe('"in flight"');
  });
});
