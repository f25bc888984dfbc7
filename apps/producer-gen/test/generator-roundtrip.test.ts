import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_TYPE_HEADER, decodeRecordValue, getCodec, type CodecName } from '@lagscale/codecs';
import { createKafka, createRegistry, partitionForKey, silentLogger } from '@lagscale/kafka-core';
import { readSequence, verifyTopic } from '@lagscale/kafka-core/sequence';
import { TestKafka, testKafkaConfig, uniqueName, waitForMessages } from '@lagscale/kafka-core/testing';
import { loadGeneratorSettings } from '../src/config/generator-config.js';
import { GeneratorRun } from '../src/producer/generator-run.js';
import { isOutOfRange, workloadSpecs, type SensorReading, type WorkloadName } from '../src/workloads/index.js';

const RECORDS = 20_000;
const PARTITIONS = 4;

const cases: Array<{ workload: WorkloadName; codec: CodecName; compression: string }> = [
  { workload: 'user-events', codec: 'json', compression: 'none' },
  { workload: 'user-events', codec: 'msgpack', compression: 'lz4' },
  { workload: 'sensor-readings', codec: 'json', compression: 'zstd' },
  { workload: 'sensor-readings', codec: 'msgpack', compression: 'snappy' },
  { workload: 'bytes', codec: 'bytes', compression: 'gzip' },
];

describe('producer-gen run: every workload round-trips through a real broker', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());
  const brokers = testKafkaConfig().brokers;

  it.each(cases)('20,000 $workload records with $codec ($compression)', { timeout: 120_000 }, async ({ workload, codec, compression }) => {
    const topic = await t.createTopic({ partitions: PARTITIONS, prefix: `gen-${workload}` });
    const producerId = uniqueName('gen');
    const settings = loadGeneratorSettings({
      PRODUCER_TOPIC: topic,
      PRODUCER_WORKLOAD: workload,
      PRODUCER_CODEC: codec,
      PRODUCER_COMPRESSION: compression,
      PRODUCER_RATE: 'max',
      PRODUCER_COUNT: String(RECORDS),
      PRODUCER_KEYS: '200',
      PRODUCER_OUT_OF_RANGE_RATE: '0.01',
      PRODUCER_ID: producerId,
    });
    const kafka = createKafka(testKafkaConfig());
    const run = new GeneratorRun({ kafka, brokers, settings, profile: undefined, registry: createRegistry({ app: 'test', defaultMetrics: false }), logger: silentLogger() });
    const summary = await run.run();
    expect(summary).toMatchObject({ generated: RECORDS, acked: RECORDS, failed: 0, inFlight: 0, stoppedEarly: false });

    const report = await verifyTopic(kafka, { topic, expected: { [producerId]: RECORDS }, timeoutMs: 60_000 });
    expect(report.recordsRead).toBe(RECORDS);
    expect(report.totals).toMatchObject({ producers: 1, seen: RECORDS, duplicates: 0, gaps: 0, keyOrderViolations: 0, unsequenced: 0, shortfall: 0 });

    const { messages } = await t.collect({ topic, groupId: t.groupId('gen'), fromBeginning: true });
    await waitForMessages(messages, RECORDS, 60_000);
    const schema = workloadSpecs[workload].schema;
    let outOfRange = 0;
    for (const message of messages) {
      expect(message.headers?.[CONTENT_TYPE_HEADER]?.toString()).toBe(getCodec(codec).contentType);
      expect(readSequence(message.headers)?.producerId).toBe(producerId);
      const key = message.key?.toString() ?? '';
      expect(key.startsWith(`${workloadSpecs[workload].keyPrefix}-`)).toBe(true);
      // Where the Java client would put the key (partitionForKey is checked against Java vectors).
      expect(message.partition).toBe(partitionForKey(key, PARTITIONS));
      const decoded = decodeRecordValue(message.value, message.headers, getCodec('string'));
      if (!decoded.ok || decoded.tombstone) throw new Error(`record at ${message.partition}:${message.offset} did not decode`);
      expect(schema.safeParse(decoded.value).success).toBe(true);
      if (workload === 'sensor-readings' && isOutOfRange(decoded.value as SensorReading)) outOfRange += 1;
      if (workload === 'bytes') expect((decoded.value as Buffer).length).toBe(100);
    }
    if (workload === 'sensor-readings') {
      // 1% configured: about 200 of 20,000; a wide band, since the draws are random.
      expect(outOfRange).toBeGreaterThan(100);
      expect(outOfRange).toBeLessThan(300);
    }
  });
});
