import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { compressionTypeFromName, type CompressionName } from '@lagscale/codecs';
import { connectClient, describeError, JavaCompatiblePartitioner, partitionForKey, topicPartitionCount, AppError, type Logger } from '@lagscale/kafka-core';
import type { DeliveryStats } from './delivery-stats.js';
import { defaultDeliveryRetryOptions, isRetriableProduceError, nextDeliveryStep, type DeliveryRetryOptions } from './delivery-retry.js';
import { defaultAccumulatorOptions, PartitionAccumulator, type DrainedBatch } from './partition-accumulator.js';

export const ACKS_VALUES = ['all', '1', '0'] as const;
export type AcksSetting = (typeof ACKS_VALUES)[number];

export interface RecordProducerOptions extends DeliveryRetryOptions {
  topic: string;
  brokers: readonly string[];
  acks: AcksSetting;
  compression: CompressionName;
  idempotent: boolean;
  batchRecords: number;
  batchBytes: number;
  lingerMs: number;
  /**
   * Produce requests awaiting acknowledgement at once (Java's max.in.flight.requests.per.connection).
   * At most 5 with idempotence: the broker recognises a resend among a producer's last 5 batches.
   */
  maxInFlightRequests: number;
  /** Broker-side ack timeout per request. */
  requestTimeoutMs: number;
  /** Bytes of records buffered, in flight or awaiting a retry; `send()` waits above it (Java's buffer.memory). */
  bufferBytes: number;
}

export const defaultRecordProducerOptions = {
  ...defaultAccumulatorOptions,
  ...defaultDeliveryRetryOptions,
  acks: 'all',
  compression: 'none',
  // Retries resend a batch with its sequence numbers, so the broker drops what it already has.
  idempotent: true,
  // Requests are written in the order they were sent (vendor/kafkajs CHANGES.md, "Write order"),
  // so pipelining keeps each key in order. With idempotence a failed batch is resent with its
  // sequence numbers before anything after it ("Idempotent pipelining"); without, a retried
  // request can land after a later one, as with the Java producer.
  maxInFlightRequests: 5,
  requestTimeoutMs: 30_000,
  bufferBytes: 32 * 1024 * 1024,
} satisfies Partial<RecordProducerOptions>;

/** The broker keeps a producer's last 5 batches per partition to recognise a resend. */
export const MAX_IN_FLIGHT_IDEMPOTENT = 5;

// kafkajs's own retries of one attempt: a few quick ones for a leader moving; the delivery
// timeout, not kafkajs, decides when a record is lost.
const ATTEMPT_RETRY = { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 };

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
 * `maxInFlightRequests` requests at once (written in the order sent, so each key stays in order),
 * so the generator never waits for one round trip per record. `send()` only awaits when the in-flight
 * limit or the buffer bound applies.
 *
 * A request that fails is sent again, the same batch with the same sequence numbers (kafkajs keeps
 * them on the `batch` object passed to sendBatch), until it is acknowledged or its oldest record is
 * older than the delivery timeout (Java's delivery.timeout.ms): a broker restart costs latency, not
 * records. While a batch is retried it keeps its in-flight slot; with idempotence kafkajs resends
 * failed batches in order before any later one, so nothing sent after it can overtake it.
 */
export class RecordProducer {
  private producer: Producer;
  private readonly options: RecordProducerOptions;
  private accumulator: PartitionAccumulator | undefined;
  private partitions = 0;
  private inFlight = new Set<Promise<void>>();
  /** Bytes of records drained and not yet acknowledged or failed. */
  private unsettledBytes = 0;
  private bufferWaiters: Array<() => void> = [];
  private retryingBatches = 0;
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
    if (options.idempotent && options.maxInFlightRequests > MAX_IN_FLIGHT_IDEMPOTENT) {
      throw new AppError(
        'CONFIG_INVALID',
        `idempotence allows at most ${MAX_IN_FLIGHT_IDEMPOTENT} requests in flight (PRODUCER_MAX_IN_FLIGHT / --max-in-flight), got ${options.maxInFlightRequests}; lower it or turn idempotence off`,
        { retriable: false },
      );
    }
    this.producer = this.createProducer();
  }

  private createProducer(): Producer {
    return this.kafka.producer({
      createPartitioner: JavaCompatiblePartitioner,
      idempotent: this.options.idempotent,
      allowAutoTopicCreation: false,
      retry: ATTEMPT_RETRY,
    });
  }

  get partitionCount(): number {
    return this.partitions;
  }

  /** Bytes of records buffered, in flight or awaiting a retry. */
  get pendingBytes(): number {
    return (this.accumulator?.bytes ?? 0) + this.unsettledBytes;
  }

  /** True while `send()` holds the caller back because the buffer is full. */
  get bufferFull(): boolean {
    return this.bufferWaiters.length > 0;
  }

  /** Batches waiting to be sent again after a failed request. */
  get retrying(): number {
    return this.retryingBatches;
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
   * kept free of promise allocation), or a promise to await when the buffer is full: it resolves
   * once acknowledgements have made room.
   */
  send(key: string | Buffer | null, value: Buffer, headers: IHeaders, partition: number): Promise<void> | undefined {
    const accumulator = this.accumulator;
    if (accumulator === undefined) throw new AppError('INTERNAL', 'RecordProducer.send() before start()');
    const now = performance.now();
    const batchFull = accumulator.add(partition, { key, value, headers, partition }, recordSize(key, value, headers), now);
    // A full batch goes out when a slot is free; otherwise it waits in the buffer, which a
    // settling request drains (Java's RecordAccumulator does the same).
    if (batchFull && this.inFlight.size < this.options.maxInFlightRequests) this.dispatch(accumulator.drain());
    else if (!batchFull) this.armLinger(now);
    if (this.pendingBytes >= this.options.bufferBytes) return this.bufferSpace();
    return undefined;
  }

  private bufferSpace(): Promise<void> {
    return new Promise((resolve) => this.bufferWaiters.push(resolve));
  }

  /** Sends everything buffered and waits for every request in flight. */
  async flush(): Promise<void> {
    while (this.accumulator !== undefined && this.accumulator.size > 0) {
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
      // Every slot taken: the request that settles first sends what is ready (afterSettled).
      if (this.inFlight.size >= this.options.maxInFlightRequests) return;
      if (!accumulator.isReady(performance.now())) {
        this.armLinger(performance.now());
        return;
      }
      this.dispatch(accumulator.drain());
    }, Math.max(1, wait));
  }

  // After a request settles: send what became ready meanwhile, wake a generator held by the buffer.
  private afterSettled(): void {
    const accumulator = this.accumulator;
    while (accumulator !== undefined && this.inFlight.size < this.options.maxInFlightRequests && accumulator.isReady(performance.now())) {
      this.dispatch(accumulator.drain());
    }
    if (accumulator !== undefined && accumulator.size > 0) this.armLinger(performance.now());
    if (this.pendingBytes < this.options.bufferBytes && this.bufferWaiters.length > 0) {
      const waiters = this.bufferWaiters;
      this.bufferWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private dispatch(batch: DrainedBatch): void {
    if (batch.records === 0) return;
    this.stats.onSent(batch.records, batch.bytes);
    this.unsettledBytes += batch.bytes;
    const request = this.deliver(batch).finally(() => {
      this.unsettledBytes -= batch.bytes;
      this.inFlight.delete(request);
      this.afterSettled();
    });
    this.inFlight.add(request);
  }

  // One batch until acknowledged, or failed for good; never rejects.
  private async deliver(batch: DrainedBatch): Promise<void> {
    const oldestEnqueuedAtMs = Math.min(...batch.partitions.map((p) => p.enqueuedAtMs[0] ?? Infinity));
    // kafkajs keeps the batch's partitions and sequence numbers on this object across resends
    const sequenceHolder = {};
    const messages = batch.partitions.flatMap((p) => p.messages);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.producer.sendBatch({
          topicMessages: [{ topic: this.options.topic, messages }],
          acks: acksNumber(this.options.acks),
          timeout: this.options.requestTimeoutMs,
          compression: compressionTypeFromName(this.options.compression),
          batch: sequenceHolder,
        });
        const now = performance.now();
        for (const p of batch.partitions) this.stats.onAcked(p.enqueuedAtMs, now);
        if (attempt > 1) this.logger.info({ records: batch.records, attempts: attempt }, 'produce request succeeded after retries');
        return;
      } catch (err) {
        const message = describeError(err);
        const step = nextDeliveryStep({ retriable: isRetriableProduceError(err), attempt, oldestEnqueuedAtMs, nowMs: performance.now() }, this.options);
        if (step.action === 'fail') {
          this.stats.onFailed(batch.records);
          const why = step.reason === 'delivery-timeout' ? `not acknowledged within the delivery timeout (${this.options.deliveryTimeoutMs} ms)` : 'not retriable';
          this.lastError = `${message} (${why})`;
          this.logger.error({ records: batch.records, attempts: attempt, err: message }, `produce request failed: ${why}`);
          // its sequence numbers leave a gap: kafkajs renumbers what follows under a new producer id
          this.producer.abandonBatch(sequenceHolder);
          return;
        }
        if (message !== this.lastError) this.logger.warn({ records: batch.records, attempt, retryInMs: Math.round(step.waitMs), err: message }, 'produce request failed; retrying');
        this.lastError = message;
        this.retryingBatches += 1;
        await new Promise((resolve) => setTimeout(resolve, step.waitMs));
        this.retryingBatches -= 1;
      }
    }
  }
}
