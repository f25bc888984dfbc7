import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { compressionTypeFromName, type CompressionName } from '@lagscale/codecs';
import { connectClient, describeError, JavaCompatiblePartitioner, partitionForKey, topicPartitionCount, AppError, type Logger } from '@lagscale/kafka-core';
import type { DeliveryStats } from './delivery-stats.js';
import { defaultAccumulatorOptions, PartitionAccumulator, type DrainedBatch } from './partition-accumulator.js';

export const ACKS_VALUES = ['all', '1', '0'] as const;
export type AcksSetting = (typeof ACKS_VALUES)[number];

export interface RecordProducerOptions {
  topic: string;
  brokers: readonly string[];
  acks: AcksSetting;
  compression: CompressionName;
  idempotent: boolean;
  batchRecords: number;
  batchBytes: number;
  lingerMs: number;
  /** Produce requests awaiting acknowledgement at once; more waits (backpressure). */
  maxInFlightRequests: number;
  /** Broker-side ack timeout per request. */
  requestTimeoutMs: number;
}

export const defaultRecordProducerOptions = {
  ...defaultAccumulatorOptions,
  acks: 'all',
  compression: 'none',
  idempotent: false,
  // One request at a time keeps every key in order: with more, a retried or delayed request can land
  // after a later one (Java's max.in.flight.requests.per.connection > 1 without idempotence).
  maxInFlightRequests: 1,
  requestTimeoutMs: 30_000,
} satisfies Partial<RecordProducerOptions>;

/**
 * Bytes a record adds to its batch, near enough to keep a partition's batch under the broker's
 * message.max.bytes: value, key, headers and ~20 B of framing (string lengths count ASCII bytes).
 */
function recordSize(key: string | Buffer | null, value: Buffer, headers: IHeaders): number {
  let size = 20 + value.length + (key === null ? 0 : key.length);
  for (const name in headers) {
    const headerValue = headers[name];
    size += name.length + (typeof headerValue === 'string' || Buffer.isBuffer(headerValue) ? headerValue.length : 16);
  }
  return size;
}

function acksNumber(acks: AcksSetting): number {
  return acks === 'all' ? -1 : Number(acks);
}

/**
 * The producer-gen hot path: records are placed by the Java-compatible partitioner
 * (`partitionFor`), buffered per partition and sent with `sendBatch`, up to
 * `maxInFlightRequests` requests at once (one by default, which keeps each key in order), so the
 * generator never waits for one round trip per record. `send()` only awaits when the in-flight
 * limit is reached.
 */
export class RecordProducer {
  private readonly producer: Producer;
  private readonly options: RecordProducerOptions;
  private accumulator: PartitionAccumulator | undefined;
  private partitions = 0;
  private inFlight = new Set<Promise<void>>();
  private lingerTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    options: RecordProducerOptions,
    private readonly stats: DeliveryStats,
    private readonly logger: Logger,
  ) {
    this.options = options;
    if (options.idempotent && options.acks !== 'all') {
      throw new AppError('CONFIG_INVALID', 'idempotence needs acks=all (PRODUCER_ACKS / --acks)', { retriable: false });
    }
    this.producer = kafka.producer({
      createPartitioner: JavaCompatiblePartitioner,
      idempotent: options.idempotent,
      allowAutoTopicCreation: false,
      ...(options.idempotent ? { maxInFlightRequests: 1 } : {}),
    });
  }

  get partitionCount(): number {
    return this.partitions;
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await connectClient(admin, { brokers: this.options.brokers, what: 'producer-gen admin' });
    try {
      const count = await topicPartitionCount(admin, this.options.topic);
      if (count === undefined) {
        throw new AppError('TOPIC_NOT_FOUND', `topic ${this.options.topic} does not exist (create it, or pass --partitions N to create it)`, { retriable: false });
      }
      this.partitions = count;
    } finally {
      await admin.disconnect();
    }
    this.accumulator = new PartitionAccumulator({ ...this.options, partitionCount: this.partitions });
    await connectClient(this.producer, { brokers: this.options.brokers, what: 'producer-gen producer' });
  }

  partitionFor(key: string | Buffer): number {
    return partitionForKey(key, this.partitions);
  }

  /**
   * Buffers one record. Returns nothing when the record was simply buffered (the common case,
   * kept free of promise allocation), or a promise to await when the in-flight limit applies
   * backpressure.
   */
  send(key: string | Buffer | null, value: Buffer, headers: IHeaders, partition: number): Promise<void> | undefined {
    const accumulator = this.accumulator;
    if (accumulator === undefined) throw new AppError('INTERNAL', 'RecordProducer.send() before start()');
    const now = performance.now();
    if (!accumulator.add(partition, { key, value, headers, partition }, recordSize(key, value, headers), now)) {
      this.armLinger(now);
      return undefined;
    }
    if (this.inFlight.size < this.options.maxInFlightRequests) {
      this.dispatch(accumulator.drain());
      return undefined;
    }
    return this.dispatchWhenSlotFree();
  }

  private async dispatchWhenSlotFree(): Promise<void> {
    while (this.inFlight.size >= this.options.maxInFlightRequests) await Promise.race(this.inFlight);
    if (this.accumulator !== undefined && this.accumulator.size > 0) this.dispatch(this.accumulator.drain());
  }

  /** Sends everything buffered and waits for every request in flight. */
  async flush(): Promise<void> {
    if (this.accumulator !== undefined && this.accumulator.size > 0) {
      while (this.inFlight.size >= this.options.maxInFlightRequests) await Promise.race(this.inFlight);
      this.dispatch(this.accumulator.drain());
    }
    await Promise.all([...this.inFlight]);
  }

  /** Flushes, then disconnects. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      clearTimeout(this.lingerTimer);
      await this.flush();
      await this.producer.disconnect();
    })();
    return this.stopped;
  }

  get lastFailure(): string | undefined {
    return this.lastError;
  }

  private armLinger(now: number): void {
    if (this.lingerTimer !== undefined || this.accumulator === undefined) return;
    const wait = this.accumulator.msUntilReady(now);
    if (!Number.isFinite(wait)) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      const accumulator = this.accumulator;
      if (accumulator === undefined || accumulator.size === 0) return;
      if (this.inFlight.size >= this.options.maxInFlightRequests || !accumulator.isReady(performance.now())) {
        // Re-check shortly: a request in flight will free a slot, or the linger has not expired.
        this.armLinger(performance.now());
        return;
      }
      this.dispatch(accumulator.drain());
    }, Math.max(1, wait));
  }

  private dispatch(batch: DrainedBatch): void {
    if (batch.records === 0) return;
    this.stats.onSent(batch.records, batch.bytes);
    const request = this.producer
      .sendBatch({
        topicMessages: [{ topic: this.options.topic, messages: batch.partitions.flatMap((p) => p.messages) }],
        acks: acksNumber(this.options.acks),
        timeout: this.options.requestTimeoutMs,
        compression: compressionTypeFromName(this.options.compression),
      })
      .then(
        () => {
          const now = performance.now();
          for (const p of batch.partitions) this.stats.onAcked(p.enqueuedAtMs, now);
        },
        (err: unknown) => {
          this.stats.onFailed(batch.records);
          const message = describeError(err);
          if (message !== this.lastError) this.logger.error({ records: batch.records, err: message }, 'produce request failed after retries');
          this.lastError = message;
        },
      )
      .finally(() => {
        this.inFlight.delete(request);
      });
    this.inFlight.add(request);
  }
}
