import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { CONTENT_TYPE_HEADER, getCodec, type Codec } from '@lagscale/codecs';
import { connectClient, ensureTopic, Gauge, logTopicReport, type Logger, type Registry } from '@lagscale/kafka-core';
import { checkedPartition, loadPartitioner, type LoadedPartitioner } from '@lagscale/kafka-core/partitioner';
import { SequenceStamper } from '@lagscale/kafka-core/sequence';
import type { GeneratorSettings } from '../config/generator-config.js';
import { PRODUCER_METRICS } from '../metrics/metric-names.js';
import { createKeyChooser, isDone, keyName, rateAt, recordsDue, type RateProfile } from '../schedule/index.js';
import { createWorkload, workloadSpecs } from '../workloads/index.js';
import { DeliveryStats, type DeliverySnapshot } from './delivery-stats.js';
import { defaultRecordProducerOptions, RecordProducer } from './record-producer.js';

export interface RunSummary extends DeliverySnapshot {
  producerId: string;
  topic: string;
  workload: string;
  generated: number;
  durationMs: number;
  /** Acknowledged records per second over the whole run. */
  ackedPerSec: number;
  /** True when a signal or stop() ended the run before its count or duration. */
  stoppedEarly: boolean;
}

export interface GeneratorRunOptions {
  kafka: Kafka;
  brokers: readonly string[];
  settings: GeneratorSettings;
  /** Undefined for `--rate max`: as fast as the broker acknowledges. */
  profile: RateProfile | undefined;
  /** Default: murmur2, or what `settings.partitioner` names. */
  partitioner?: LoadedPartitioner;
  registry: Registry;
  logger: Logger;
}

// Records generated between two yields to the event loop, so acks, timers and signals run.
const CHUNK = 2_000;
// Key names are built once per key while the key space is small enough to keep them.
const MAX_CACHED_KEYS = 1_000_000;

/**
 * One `producer-gen run`: generates the workload on the schedule of its rate profile, stamps
 * sequence headers, and hands records to the batching producer until the count or duration is
 * reached or `stop()` is called; then flushes everything buffered and reports.
 */
export class GeneratorRun {
  readonly stats: DeliveryStats;
  private readonly producer: RecordProducer;
  private readonly stamper: SequenceStamper;
  private readonly targetRate: Gauge;
  private stopping = false;
  private generated = 0;
  private startedAt = 0;

  constructor(private readonly options: GeneratorRunOptions) {
    const { settings } = options;
    this.stats = new DeliveryStats(options.registry, { topic: settings.topic });
    this.producer = new RecordProducer(
      options.kafka,
      {
        topic: settings.topic,
        brokers: options.brokers,
        acks: settings.acks,
        compression: settings.compression,
        idempotent: settings.idempotent,
        batchRecords: settings.batchRecords,
        batchBytes: settings.batchBytes,
        lingerMs: settings.lingerMs,
        maxInFlightRequests: settings.maxInFlight,
        // A request's own timeout never outlasts the delivery timeout of its records.
        requestTimeoutMs: Math.min(defaultRecordProducerOptions.requestTimeoutMs, settings.deliveryTimeout),
        deliveryTimeoutMs: settings.deliveryTimeout,
        retryBackoffMs: defaultRecordProducerOptions.retryBackoffMs,
        maxRetryBackoffMs: defaultRecordProducerOptions.maxRetryBackoffMs,
        bufferBytes: settings.bufferBytes,
      },
      this.stats,
      options.logger,
    );
    this.stamper = new SequenceStamper(settings.producerId);
    this.targetRate = new Gauge({ name: PRODUCER_METRICS.targetRate, help: 'Rate the profile asks for now', labelNames: ['topic'], registers: [options.registry] });
  }

  /** The rate the schedule asks for now (records/s), or 'max'. */
  currentTargetRate(): number | 'max' {
    if (this.options.profile === undefined) return 'max';
    return rateAt(this.options.profile, this.startedAt === 0 ? 0 : performance.now() - this.startedAt);
  }

  /** Ends the run early: generation stops, buffered records are still sent. */
  stop(): void {
    this.stopping = true;
  }

  async run(): Promise<RunSummary> {
    const { settings, logger } = this.options;
    if (settings.partitions !== undefined) {
      const admin = await connectClient(this.options.kafka.admin(), { brokers: this.options.brokers, what: 'producer-gen admin' });
      try {
        const result = await ensureTopic(admin, { topic: settings.topic, partitions: settings.partitions, growPartitions: true });
        logTopicReport(logger, result);
      } finally {
        await admin.disconnect();
      }
    }
    const partitioner = this.options.partitioner ?? (await loadPartitioner(settings.partitioner, { setting: 'PRODUCER_PARTITIONER (--partitioner)' }));
    await this.producer.start();
    const place = this.placement(partitioner);

    const spec = workloadSpecs[settings.workload];
    const workload = createWorkload(settings.workload, { seed: settings.seed, sizeBytes: settings.recordBytes, outOfRangeRate: settings.outOfRangeRate });
    const codec = getCodec(settings.codec ?? spec.defaultCodec) as Codec;
    const chooser = createKeyChooser({ kind: settings.keyDistribution, keyCount: settings.keys, skew: settings.zipfSkew, hotKey: settings.hotKey, seed: settings.seed });
    const keyNames: string[] = settings.keys <= MAX_CACHED_KEYS ? Array.from({ length: settings.keys }, (_, i) => keyName(i, spec.keyPrefix)) : [];
    const limits = { maxRecords: settings.count, durationMs: settings.duration };
    const maxRecords = settings.count ?? Infinity;
    const durationMs = settings.duration ?? Infinity;

    this.startedAt = performance.now();
    let lastRateUpdate = 0;
    while (!this.stopping) {
      const now = performance.now() - this.startedAt;
      if (this.options.profile === undefined && (this.generated >= maxRecords || now >= durationMs)) break;
      const elapsed = Math.min(now, durationMs);
      if (elapsed - lastRateUpdate >= 1_000) {
        const target = this.currentTargetRate();
        this.targetRate.set({ topic: settings.topic }, target === 'max' ? -1 : target);
        lastRateUpdate = elapsed;
      }
      const due =
        this.options.profile === undefined
          ? Math.min(CHUNK, maxRecords - this.generated)
          : Math.min(CHUNK, recordsDue(this.options.profile, elapsed, this.generated, limits));
      if (due <= 0) {
        // Everything due by the end is sent: stop (checked after sending, so the tail is not lost).
        const finished =
          this.options.profile === undefined ? this.generated >= maxRecords : isDone(this.options.profile, elapsed, this.generated, limits);
        if (finished || this.generated >= maxRecords) break;
        // Nothing due yet: wait about one record's worth of time (at least 1 ms).
        const rate = this.options.profile === undefined ? 0 : rateAt(this.options.profile, elapsed);
        await new Promise((resolve) => setTimeout(resolve, rate > 0 ? Math.min(50, Math.max(1, 1000 / rate)) : 10));
        continue;
      }
      for (let i = 0; i < due; i += 1) {
        const index = chooser.next();
        const key = keyNames[index] ?? keyName(index, spec.keyPrefix);
        const value = codec.encode(workload.generate({ seq: this.generated, key, timestampMs: Date.now() }));
        const headers = this.stamper.stamp({ [CONTENT_TYPE_HEADER]: codec.contentType }, key);
        this.generated += 1;
        const backpressure = this.producer.send(key, value, headers, place(key, value));
        if (backpressure !== undefined) await backpressure;
      }
      await yieldToEventLoop();
    }

    await this.producer.stop();
    const durationTotalMs = performance.now() - this.startedAt;
    const snapshot = this.stats.snapshot();
    return {
      ...snapshot,
      producerId: settings.producerId,
      topic: settings.topic,
      workload: settings.workload,
      generated: this.generated,
      durationMs: Math.round(durationTotalMs),
      ackedPerSec: Math.round(snapshot.acked / (durationTotalMs / 1000)),
      stoppedEarly: this.stopping && this.generated < maxRecords && durationTotalMs < durationMs,
    };
  }

  // murmur2 keeps the hot path to a hash; any other partitioner is asked, and checked, per record.
  private placement(partitioner: LoadedPartitioner): (key: string, value: Buffer) => number {
    if (partitioner.name === 'murmur2') return (key) => this.producer.partitionFor(key);
    const topic = this.options.settings.topic;
    const partitionCount = this.producer.partitionCount;
    return (key, value) => checkedPartition(partitioner, { topic, partitionCount, key, value });
  }

  /** What holds the generator back now, for the progress line. */
  producerState(): { bufferFull: boolean; retrying: number; pendingBytes: number } {
    return { bufferFull: this.producer.bufferFull, retrying: this.producer.retrying, pendingBytes: this.producer.pendingBytes };
  }

  /** Where the last failed produce request went wrong, if any did. */
  get lastFailure(): string | undefined {
    return this.producer.lastFailure;
  }
}
