import type { Admin, IHeaders, Kafka, Producer } from 'kafkajs';
import { compressionTypeFromName, type CompressionName } from '@lagscale/codecs';
import { connectClient, JavaCompatiblePartitioner, topicPartitionCount } from '@lagscale/kafka-core';
import type { IngestAcks } from './ingest-config.js';
import { defaultCoalescerOptions, ProduceCoalescer } from './produce-coalescer.js';
import type { PartitionAck } from './record-offsets.js';

/** A record placed on its partition, ready for Kafka. */
export interface OutgoingRecord {
  key: string | null;
  value: Buffer;
  headers: IHeaders;
  partition: number;
}

/** What the ingest pipeline needs from Kafka: small, so tests can stand in for it. */
export interface IngestSink {
  partitionCount(topic: string): Promise<number | undefined>;
  /**
   * Produces one request's records, each partition's as consecutive records of one batch, with
   * `timestampMs` (when the request arrived) as their CreateTime. Resolves once acknowledged.
   */
  send(topic: string, records: readonly OutgoingRecord[], timestampMs: number): Promise<PartitionAck[]>;
}

export interface KafkaGatewayOptions {
  brokers: readonly string[];
  acks: IngestAcks;
  compression: CompressionName;
  /** How long the broker may wait for in-sync replicas before failing a produce. */
  ackTimeoutMs: number;
}

/**
 * The gateway's Kafka clients: one producer for every request and one admin for topic metadata
 * and readiness probes. Concurrent requests to a topic share produce calls (ProduceCoalescer), so
 * a busy gateway sends fewer, larger batches. Constructing does no I/O.
 */
export class KafkaGateway implements IngestSink {
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly coalescer: ProduceCoalescer<OutgoingRecord>;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly options: KafkaGatewayOptions,
  ) {
    // Every record arrives with its partition decided (see record-placement.ts); the Java
    // partitioner is the fallback that would place keys the same way.
    this.producer = kafka.producer({ createPartitioner: JavaCompatiblePartitioner, allowAutoTopicCreation: false });
    this.admin = kafka.admin();
    this.coalescer = new ProduceCoalescer<OutgoingRecord>(
      (topic, messages) =>
        this.producer.send({
          topic,
          messages: messages.map(({ record, timestamp }) => ({ key: record.key, value: record.value, headers: record.headers, partition: record.partition, timestamp })),
          acks: this.options.acks === 'all' ? -1 : 1,
          timeout: this.options.ackTimeoutMs,
          compression: compressionTypeFromName(this.options.compression),
        }),
      // what a record adds to a produce request, roughly: value, key, headers, framing
      (record) => record.value.length + (record.key?.length ?? 0) + 64,
      defaultCoalescerOptions,
    );
  }

  /** True between a successful `start()` and `stop()`. */
  get isConnected(): boolean {
    return this.connected;
  }

  async start(): Promise<void> {
    await connectClient(this.admin, { brokers: this.options.brokers, what: 'producer-gen ingest admin' });
    await connectClient(this.producer, { brokers: this.options.brokers, what: 'producer-gen ingest producer' });
    this.connected = true;
  }

  async stop(): Promise<void> {
    this.connected = false;
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  partitionCount(topic: string): Promise<number | undefined> {
    return topicPartitionCount(this.admin, topic);
  }

  send(topic: string, records: readonly OutgoingRecord[], timestampMs: number): Promise<PartitionAck[]> {
    return this.coalescer.send(topic, records, timestampMs);
  }

  /** A metadata round trip to any broker: the readiness probe. */
  async probe(): Promise<void> {
    await this.admin.describeCluster();
  }
}
