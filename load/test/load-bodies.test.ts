// The bodies the k6 scripts and the vegeta runner send come from one function (batchBody): here
// those exact bytes go to a real ingest on the real broker, and what Kafka stored is read back.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, SEQUENCE_HEADERS, silentLogger } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitForMessages } from '@lagscale/kafka-core/testing';
import { createIngestService, defaultIngestConfig, type IngestService } from '@lagscale/producer-gen';
import { batchBody, defaultRecordShape, ingestPath, LOAD_SEQUENCE_HEADERS } from '../scenarios/batch-body.ts';
import { scenarios, SCENARIO_NAMES } from '../scenarios/scenarios.ts';

describe('load bodies against the real ingest', () => {
  const kafka = new TestKafka();
  let service: IngestService;

  beforeAll(async () => {
    service = createIngestService({
      kafkaConfig: testKafkaConfig(),
      ingestConfig: { ...defaultIngestConfig, port: 0 },
      logger: silentLogger(),
      registry: createRegistry({ app: 'producer-gen', defaultMetrics: false }),
    });
    await service.start();
  });

  afterAll(async () => {
    await service.stop();
    await kafka.cleanup();
  });

  it('uses the sequence header names the verifier and pass-through outputs read', () => {
    expect(LOAD_SEQUENCE_HEADERS.producerId).toBe(SEQUENCE_HEADERS.producerId);
    expect(LOAD_SEQUENCE_HEADERS.seq).toBe(SEQUENCE_HEADERS.seq);
  });

  it('the k6 scripts build their requests with the shared batchBody and ingestPath', async () => {
    const source = await readFile(new URL('../k6/k6-scenario.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/import \{ batchBody, ingestPath \} from '\.\.\/scenarios\/batch-body\.ts'/);
    expect(source).toContain('batchBody(data.producerId, iteration * batchSize, settings.params.shape, Date.now())');
  });

  it.each(SCENARIO_NAMES)('a %s body is accepted whole and stored as sent', async (name) => {
    const shape = { ...scenarios[name].defaults.shape, keys: 7 };
    const topic = await kafka.createTopic({ partitions: 3, prefix: `load-body-${name}` });
    const body = batchBody(`test-${name}`, 1_000, shape, 1_700_000_000_000);
    const sent = JSON.parse(body) as { records: Array<{ key: string; value: unknown; headers: Record<string, string> }> };

    const response = await fetch(`${service.address?.url}${ingestPath(topic)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { records: Array<{ partition: number; offset: number }> };
    expect(answer.records).toHaveLength(shape.batchSize);

    const { messages } = await kafka.collect({ topic, groupId: kafka.groupId('load-body'), fromBeginning: true });
    await waitForMessages(messages, shape.batchSize);
    expect(messages).toHaveLength(shape.batchSize);
    const bySeq = new Map(messages.map((m) => [String(m.headers?.[SEQUENCE_HEADERS.seq]), m]));
    sent.records.forEach((record, i) => {
      const stored = bySeq.get(String(1_000 + i));
      expect(stored, `record seq ${1_000 + i}`).toBeDefined();
      expect(stored?.key?.toString()).toBe(record.key);
      expect(JSON.parse(stored?.value?.toString() ?? 'null')).toEqual(record.value);
      expect(stored?.headers?.[SEQUENCE_HEADERS.producerId]?.toString()).toBe(`test-${name}`);
      expect({ partition: stored?.partition, offset: Number(stored?.offset) }).toEqual(answer.records[i]);
    });
  });

  it('default batches stay within the ingest\'s default request limits', () => {
    const body = batchBody('limits', 0, { ...defaultRecordShape, batchSize: defaultIngestConfig.maxRecordsPerRequest }, Date.now());
    expect(Buffer.byteLength(body)).toBeLessThan(defaultIngestConfig.maxRequestBytes);
  });
});
