import { describe, expect, it } from 'vitest';
import { defaultIngestConfig, type IngestConfig } from './ingest-config.js';
import type { IngestSink, OutgoingRecord } from './kafka-gateway.js';
import type { PartitionAck } from './record-offsets.js';
import { RecordIngestor, type KafkaHealthListener } from './record-ingestor.js';

// A stand-in for Kafka: topics with partition counts, and a log per partition.
class FakeSink implements IngestSink {
  readonly logs = new Map<number, OutgoingRecord[]>();
  lookups = 0;
  hang: 'metadata' | 'produce' | undefined;

  constructor(readonly topics: Map<string, number>) {}

  async partitionCount(topic: string): Promise<number | undefined> {
    this.lookups += 1;
    if (this.hang === 'metadata') return new Promise(() => undefined);
    return this.topics.get(topic);
  }

  async send(_topic: string, records: readonly OutgoingRecord[]): Promise<PartitionAck[]> {
    if (this.hang === 'produce') return new Promise(() => undefined);
    const acks = new Map<number, PartitionAck>();
    for (const record of records) {
      const log = this.logs.get(record.partition) ?? [];
      if (!acks.has(record.partition)) acks.set(record.partition, { partition: record.partition, errorCode: 0, baseOffset: String(log.length) });
      log.push(record);
      this.logs.set(record.partition, log);
    }
    return [...acks.values()];
  }
}

function setup(options: Partial<IngestConfig> = {}) {
  const sink = new FakeSink(new Map([['t', 4]]));
  const events: string[] = [];
  const health: KafkaHealthListener = { up: () => events.push('up'), down: (reason) => events.push(`down: ${reason}`) };
  const ingestor = new RecordIngestor(sink, { ...defaultIngestConfig, requestTimeoutMs: 50, ...options }, health);
  return { sink, events, ingestor };
}

describe('RecordIngestor', () => {
  it('returns each record’s partition and offset, in request order, and reports Kafka up', async () => {
    const { sink, events, ingestor } = setup();
    await ingestor.ingest('t', { records: [{ value: 'warm-up', partition: 1 }] });
    const positions = await ingestor.ingest('t', { records: [{ value: 1, partition: 1 }, { value: 2, partition: 3 }, { value: 3, partition: 1 }] });
    expect(positions).toEqual([
      { partition: 1, offset: 1 },
      { partition: 3, offset: 0 },
      { partition: 1, offset: 2 },
    ]);
    expect(sink.logs.get(1)?.map((r) => r.value.toString())).toEqual(['"warm-up"', '1', '3']);
    expect(sink.logs.get(1)?.[1]?.headers).toEqual({ 'content-type': 'application/json' });
    expect(events).toEqual(['up', 'up']);
  });

  it('looks a topic up once, and again when a record names a partition beyond the cached count', async () => {
    const { sink, ingestor } = setup();
    await ingestor.ingest('t', { records: [{ value: 1 }] });
    await ingestor.ingest('t', { records: [{ value: 1 }] });
    expect(sink.lookups).toBe(1);
    sink.topics.set('t', 8);
    expect(await ingestor.ingest('t', { records: [{ value: 1, partition: 7 }] })).toEqual([{ partition: 7, offset: 0 }]);
    expect(sink.lookups).toBe(2);
  });

  it('validates before it touches Kafka', async () => {
    const { sink, ingestor } = setup({ allowedTopics: ['t'] });
    await expect(ingestor.ingest('other', { records: [{ value: 1 }] })).rejects.toMatchObject({ code: 'TOPIC_NOT_ALLOWED', statusCode: 403 });
    await expect(ingestor.ingest('t', { records: [] })).rejects.toMatchObject({ code: 'EMPTY_BATCH', statusCode: 400 });
    await expect(ingestor.ingest('t/x', { records: [{ value: 1 }] })).rejects.toMatchObject({ code: 'INVALID_TOPIC_NAME', statusCode: 400 });
    expect(sink.lookups).toBe(0);
  });

  it.each([
    { hang: 'metadata', message: 'Kafka did not answer within 50 ms; no record was sent' },
    {
      hang: 'produce',
      message: 'Kafka did not answer within 50 ms; none of the records is confirmed (some may have been stored; a retry may duplicate them)',
    },
  ] as const)('bounds a request that hangs in $hang and reports Kafka down', async ({ hang, message }) => {
    const { sink, events, ingestor } = setup();
    sink.hang = hang;
    await expect(ingestor.ingest('t', { records: [{ value: 1 }] })).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE', statusCode: 503, retriable: true, message });
    expect(events).toEqual([`down: ${message}`]);
  });
});
