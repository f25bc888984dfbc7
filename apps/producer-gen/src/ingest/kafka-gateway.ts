import type { Admin, IHeaders, Kafka, Producer } from 'kafkajs';
import { compressionTypeFromName, type CompressionName } from '@lagscale/codecs';
import { connectClient, JavaCompatiblePartitioner, topicPartitionCount } from '@lagscale/kafka-core';
import type { IngestAcks } from './ingest-config.js';
import { isRetriableProduceError, nextDeliveryStep } from '../producer/delivery-retry.js';
import { defaultCoalescerOptions, ProduceCoalescer, type CoalescedMessage } from './produce-coalescer.js';
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
  /**
   * How long a request may wait for Kafka in all (the ingest's request timeout): a produce that
   * fails for a reason a broker coming back would cure is sent again until then.
   */
  requestTimeoutMs: number;
}

// Retries inside the request timeout: quick at first, as a leader moves within a second or two.
const RETRY_BACKOFF = { retryBackoffMs: 100, maxRetryBackoffMs: 1_000 } as const;
// kafkajs's own retries of one attempt, few and short: the request timeout is the real bound.
const ATTEMPT_RETRY = { retries: 2, initialRetryTime: 100, maxRetryTime: 500 };
// The last attempt must be able to finish, and fail with its own error, before the deadline.
const LAST_ATTEMPT_SHARE = 0.25;

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
    // Not idempotent: a request given up at its deadline leaves kafkajs reusing its sequence
    // numbers for the next, which the broker could take for a duplicate and acknowledge unstored.
    // Retries are at least once instead, and a 503 says records may be stored.
    this.producer = kafka.producer({ createPartitioner: JavaCompatiblePartitioner, allowAutoTopicCreation: false, retry: ATTEMPT_RETRY });
    this.admin = kafka.admin();
    this.coalescer = new ProduceCoalescer<OutgoingRecord>(
      (topic, messages) => this.produce(topic, messages),
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

  /**
   * One coalesced call, sent again while it fails for a retriable reason and the oldest request
   * in it has time left; the last error surfaces, so the client hears why (503).
   */
  private async produce(topic: string, messages: Array<CoalescedMessage<OutgoingRecord>>): Promise<PartitionAck[]> {
    const request = {
      topic,
      messages: messages.map(({ record, timestamp }) => ({ key: record.key, value: record.value, headers: record.headers, partition: record.partition, timestamp })),
      acks: this.options.acks === 'all' ? -1 : 1,
      timeout: this.options.ackTimeoutMs,
      compression: compressionTypeFromName(this.options.compression),
    };
    // Requests wait in arrival order, so the first message belongs to the oldest.
    const receivedAtMs = Number(messages[0]?.timestamp ?? Date.now());
    const { requestTimeoutMs } = this.options;
    const retryWindow = { deliveryTimeoutMs: requestTimeoutMs * (1 - LAST_ATTEMPT_SHARE), ...RETRY_BACKOFF };
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.producer.send(request);
      } catch (err) {
        const step = nextDeliveryStep({ retriable: isRetriableProduceError(err), attempt, oldestEnqueuedAtMs: receivedAtMs, nowMs: Date.now() }, retryWindow);
        if (step.action === 'fail' || Date.now() + step.waitMs >= receivedAtMs + retryWindow.deliveryTimeoutMs) throw err;
        await new Promise((resolve) => setTimeout(resolve, step.waitMs));
      }
    }
  }

  /** A metadata round trip to any broker: the readiness probe. */
  async probe(): Promise<void> {
    await this.admin.describeCluster();
  }
}
