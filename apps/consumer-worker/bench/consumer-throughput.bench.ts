// consumer-worker end to end against a pre-loaded topic, with in-run baselines:
// - noop handler vs a raw kafkajs eachBatch consumer that only resolves offsets (goal ≥ 0.9×);
// - cpu handler (~0.2 ms per record) with 2 threads vs 1 thread (goal ≥ 1.7×; the broker shares
//   the 2 cores).
// consumer-worker runs as deployed: its built JavaScript (dist, `npm run build`), loaded through the
// package's exports, so the worker threads start compiled code, not TypeScript through tsx.
// Run from apps/consumer-worker after a build:  node bench/run-built.mjs bench/consumer-throughput.bench.ts
// Bounded: fixed record counts (BENCH_RECORDS, BENCH_CPU_RECORDS) and a timeout per run.
import type { ConsumerConfig } from 'kafkajs';
import { createKafka, createRegistry, defaultKafkaConfig, ensureTopic, silentLogger, type KafkaConfig } from '@lagscale/kafka-core';
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { resolveBrokers, startEmbeddedBroker } from '../../../tools/kafka/embedded-broker.js';
import { CONTENT_TYPE_HEADER } from '@lagscale/codecs';
import { createConsumerService, loadWorkerSettings, WORKER_METRICS } from '@lagscale/consumer-worker';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const CPU_RECORDS = Number(process.env.BENCH_CPU_RECORDS ?? 60_000);
const PARTITIONS = 6;
const RECORD_BYTES = 100;
const TIMEOUT_MS = 300_000;

interface Result {
  name: string;
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** Until the first record was in hand (raw) or processed (consumer-worker): connect, join, pool start. */
  startupSeconds: number;
}

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: over ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function preload(kafkaConfig: KafkaConfig, topic: string): Promise<void> {
  const kafka = createKafka(kafkaConfig);
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(RECORD_BYTES, 'x');
  // one send per partition stays under the broker's 1 MB message limit
  const perSend = 5_000;
  try {
    for (let sent = 0; sent < RECORDS; sent += perSend * PARTITIONS) {
      await Promise.all(
        Array.from({ length: PARTITIONS }, (_, partition) =>
          producer.send({
            topic,
            acks: 1,
            // Keyed and stamped like producer-gen's bytes workload: without a content type the
            // worker would decode the bytes as JSON (the fallback) and dead-letter every record.
            messages: Array.from({ length: Math.min(perSend, Math.max(0, Math.ceil((RECORDS - sent) / PARTITIONS))) }, (_, i) => ({
              partition,
              key: `key-${partition}-${i % 200}`,
              value,
              headers: { [CONTENT_TYPE_HEADER]: 'application/octet-stream' },
            })),
          }),
        ),
      );
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * A plain kafkajs consumer: eachBatch resolves the batch's last offset and does nothing else.
 * With `undecoded`, the patched kafkajs's `rawRecordSets` (what consumer-worker uses): kafkajs
 * does not decode the records, and the batch's last offset comes from the record batch headers;
 * the floor of fetching alone.
 */
async function rawKafkajs(kafkaConfig: KafkaConfig, topic: string, count: number, undecoded = false): Promise<Result> {
  const kafka = createKafka(kafkaConfig);
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now().toString(36)}`, maxWaitTimeInMs: 250, ...(undecoded ? { rawRecordSets: true } : {}) } as ConsumerConfig);
  let seen = 0;
  let firstMs: number | undefined;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      firstMs ??= performance.now();
      if (undecoded) {
        // dense offsets (no compaction, no transactions): the count is last − first + 1
        const last = batch.lastOffset();
        seen += Number(last) - Number(batch.firstOffset()) + 1;
        resolveOffset(last);
      } else {
        const last = batch.messages.at(-1);
        if (last !== undefined) resolveOffset(last.offset);
        seen += batch.messages.length;
      }
      if (seen >= count) done();
    },
  });
  try {
    await withTimeout('raw kafkajs', finished);
    const seconds = (performance.now() - started) / 1000;
    const startupSeconds = ((firstMs ?? started) - started) / 1000;
    return { name: undecoded ? 'raw kafkajs eachBatch, records undecoded (rawRecordSets)' : 'raw kafkajs eachBatch (resolve only)', records: seen, seconds, recordsPerSec: seen / seconds, startupSeconds };
  } finally {
    await consumer.disconnect();
  }
}

/** consumer-worker in this process until `count` records are processed. */
async function consumerWorker(kafkaConfig: KafkaConfig, topic: string, name: string, count: number, env: Record<string, string>): Promise<Result> {
  const settings = loadWorkerSettings({
    CONSUMER_TOPIC: topic,
    CONSUMER_GROUP_ID: `bench-cw-${Date.now().toString(36)}`,
    CONSUMER_METRICS_PORT: '0',
    CONSUMER_PROGRESS_INTERVAL_MS: '0',
    ...env,
  });
  const registry = createRegistry({ app: 'bench', defaultMetrics: false });
  const service = createConsumerService({ kafkaConfig, settings, logger: silentLogger(), registry });
  // Only the processed counter, not a full scrape: the pool's timing summaries are not free, and
  // 20 scrapes a second would tax the consumer being measured.
  const processed = async () => (await registry.getSingleMetric(WORKER_METRICS.processed)?.get())?.values[0]?.value ?? 0;
  const started = performance.now();
  await service.start();
  try {
    let total = 0;
    let firstMs: number | undefined;
    const poll = async () => {
      for (;;) {
        total = await processed();
        if (total > 0) firstMs ??= performance.now();
        if (total >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await withTimeout(name, poll());
    const seconds = (performance.now() - started) / 1000;
    return { name, records: total, seconds, recordsPerSec: total / seconds, startupSeconds: ((firstMs ?? started) - started) / 1000 };
  } finally {
    await service.stop();
  }
}

const broker = process.env.KAFKA_BROKERS ? undefined : await startEmbeddedBroker();
const kafkaConfig: KafkaConfig = { ...defaultKafkaConfig, brokers: resolveBrokers(), logLevel: 'error' };
const admin = createKafka(kafkaConfig).admin();
await admin.connect();
const topic = `bench-consumer-${Date.now().toString(36)}`;
try {
  await ensureTopic(admin, { topic, partitions: PARTITIONS });
  console.log(`pre-loading ${RECORDS.toLocaleString()} × ${RECORD_BYTES} B records on ${PARTITIONS} partitions ...`);
  await preload(kafkaConfig, topic);

  const raw = await rawKafkajs(kafkaConfig, topic, RECORDS);
  console.log(`raw kafkajs: ${Math.round(raw.recordsPerSec).toLocaleString()} records/s`);
  const floor = await rawKafkajs(kafkaConfig, topic, RECORDS, true);
  console.log(`raw kafkajs, undecoded: ${Math.round(floor.recordsPerSec).toLocaleString()} records/s`);
  const noop = await consumerWorker(kafkaConfig, topic, 'consumer-worker noop, 2 threads', RECORDS, { CONSUMER_HANDLER: 'noop', CONSUMER_THREADS: '2' });
  console.log(`consumer-worker noop: ${Math.round(noop.recordsPerSec).toLocaleString()} records/s`);
  const cpu1 = await consumerWorker(kafkaConfig, topic, 'consumer-worker cpu 0.2 ms, 1 thread', CPU_RECORDS, { CONSUMER_HANDLER: 'cpu', CONSUMER_HANDLER_OPTIONS: 'costUs=200', CONSUMER_THREADS: '1' });
  console.log(`cpu, 1 thread: ${Math.round(cpu1.recordsPerSec).toLocaleString()} records/s`);
  const cpu2 = await consumerWorker(kafkaConfig, topic, 'consumer-worker cpu 0.2 ms, 2 threads', CPU_RECORDS, { CONSUMER_HANDLER: 'cpu', CONSUMER_HANDLER_OPTIONS: 'costUs=200', CONSUMER_THREADS: '2' });
  console.log(`cpu, 2 threads: ${Math.round(cpu2.recordsPerSec).toLocaleString()} records/s`);

  const row = (r: Result, baseline: Result, label: string): BenchRow => ({
    name: r.name,
    opsPerSec: r.recordsPerSec,
    meanMs: 1000 / r.recordsPerSec,
    mbPerSec: (r.recordsPerSec * RECORD_BYTES) / 1024 ** 2,
    extra: {
      records: r.records,
      seconds: Number(r.seconds.toFixed(2)),
      'startup s': Number(r.startupSeconds.toFixed(2)),
      'after startup/s': Math.round(r.records / (r.seconds - r.startupSeconds)),
      ratio: `${(r.recordsPerSec / baseline.recordsPerSec).toFixed(2)}× ${label}`,
    },
  });
  await writeBenchReport(
    'consumer-throughput',
    [row(raw, raw, 'raw'), row(floor, raw, 'raw'), row(noop, raw, 'raw'), row(cpu1, cpu1, '1 thread'), row(cpu2, cpu1, '1 thread')],
    {
      notes:
        `${RECORDS.toLocaleString()} pre-loaded ${RECORD_BYTES} B records on ${PARTITIONS} partitions, one embedded broker on the same 2-core machine; each run a new group from the beginning, timed from start (connect and group join included; for consumer-worker also starting its worker threads, from the built JavaScript) to the last record processed. ` +
        'startup s = until the first record was in hand (raw) or processed (consumer-worker, polled every 50 ms); after startup/s = the rate from then on. ' +
        'consumer-worker and the undecoded row use the patched kafkajs\'s rawRecordSets: record sets reach eachBatch undecoded, and consumer-worker reads offsets, keys and timestamps from the bytes (docs/decisions/0007). ' +
        `noop goal ≥ 0.9× raw kafkajs. cpu runs stop after ${CPU_RECORDS.toLocaleString()} records (costUs=200); goal 2 threads ≥ 1.7× 1 thread, on 2 cores shared with the broker.`,
    },
  );
} finally {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  if (broker?.startedByUs) await broker.stop();
}
