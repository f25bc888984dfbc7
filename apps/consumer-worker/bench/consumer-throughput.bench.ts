// consumer-worker end to end against a pre-loaded topic, with in-run baselines:
// - noop handler vs a raw kafkajs eachBatch consumer that only resolves offsets (goal ≥ 0.9×);
// - cpu handler (~0.2 ms per record) with 2 threads vs 1 thread (goal ≥ 1.7×; the broker shares
//   the 2 cores);
// - whole processes, ROUNDS rounds alternating: Kafka's Java ConsumerPerformance (kafka-tools, from
//   .kafka/libs) vs the consumer-worker CLI (built, noop, 2 threads), both from process start to
//   the last record, plus each one's steady state (from its first record on) and startup.
// consumer-worker runs as deployed: its built JavaScript (dist, `npm run build`), loaded through the
// package's exports, so the worker threads start compiled code, not TypeScript through tsx.
// Run from apps/consumer-worker after a build:  node bench/run-built.mjs bench/consumer-throughput.bench.ts
// Bounded: fixed record counts (BENCH_RECORDS, BENCH_CPU_RECORDS) and a timeout per run;
// BENCH_PROCESS_ONLY=1 runs the two whole-process rows alone.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin, ConsumerConfig } from 'kafkajs';
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** BENCH_PROCESS_ONLY=1: only the two whole-process rows (Java and the CLI), not the in-process ones. */
const PROCESS_ONLY = process.env.BENCH_PROCESS_ONLY === '1';
/** Commits of the consumer-worker process: its progress as seen from outside (default 1 s). */
const PROCESS_COMMIT_INTERVAL_MS = 100;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

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

interface ProcessResult extends Result {
  /** Records/s from the first record on (Java: its own fetch.nMsg.sec, which leaves out the join). */
  steadyPerSec: number;
  /** consumer-worker: seconds until its commits covered every record (read every 50 ms). */
  committedSeconds?: number;
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => done(code));
  });
}

/**
 * Kafka's own ConsumerPerformance, a process of its own: whole time from spawn to exit. Its
 * fetch.time.ms is the time from the first fetch on, so startup = the rest (JVM, connect, join).
 */
async function javaConsumerPerformance(brokers: string, topic: string, count: number): Promise<ProcessResult> {
  const started = performance.now();
  const child = spawn(
    'java',
    ['-Xmx512m', '-cp', join(repoRoot, '.kafka/libs/*'), 'org.apache.kafka.tools.ConsumerPerformance',
      '--bootstrap-server', brokers, '--topic', topic, '--messages', String(count), '--group', `bench-java-${Date.now().toString(36)}`, '--timeout', '60000'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await withTimeout('ConsumerPerformance', exitOf(child));
  const seconds = (performance.now() - started) / 1000;
  // "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  //  rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec", then one line of values.
  const lines = stdout.split('\n').map((l) => l.trim());
  const header = lines.findIndex((l) => l.startsWith('start.time'));
  const values = (lines[header + 1] ?? '').split(',').map((v) => v.trim());
  const records = Number(values[4]);
  const fetchMs = Number(values[7]);
  if (code !== 0 || header < 0 || !Number.isFinite(records) || !Number.isFinite(fetchMs)) {
    throw new Error(`ConsumerPerformance failed (exit ${code}):\n${stdout.slice(-2_000)}\n${stderr.slice(-2_000)}`);
  }
  return {
    name: 'Kafka Java ConsumerPerformance (process)',
    records,
    seconds,
    recordsPerSec: records / seconds,
    startupSeconds: seconds - fetchMs / 1000,
    steadyPerSec: Number(values[9]),
  };
}

async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** The line consumer-worker logs when its first chunk of records comes back from the threads. */
const FIRST_RECORDS_FIELD = 'startupMs';
/** How often the CLI logs its progress line (records processed so far) in the process rows. */
const PROGRESS_INTERVAL_MS = 20;

/**
 * The consumer-worker CLI, built, as a process (what the user ran): from spawn until it
 * logs that it has processed `count` records (its progress line, every 20 ms, read from its
 * stdout as it comes: the end, as Java's is its last record consumed); startup = until it logs
 * its first records processed. The run also waits until its commits cover every record (read
 * from outside every 50 ms): the time to that is kept as `committedSeconds`, the end this bench
 * used before, later by the commit interval and the poll.
 */
async function consumerWorkerProcess(admin: Admin, brokers: string, topic: string, count: number): Promise<ProcessResult> {
  const groupId = `bench-cw-process-${Date.now().toString(36)}`;
  const started = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'apps/consumer-worker/dist/cli/main.js')], {
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers,
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_HANDLER: 'noop',
      CONSUMER_THREADS: '2',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: String(PROGRESS_INTERVAL_MS),
      CONSUMER_COMMIT_INTERVAL_MS: String(PROCESS_COMMIT_INTERVAL_MS),
      // info: the first-records line and a progress line every PROGRESS_INTERVAL_MS (~100 in a run)
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let firstMs: number | undefined;
  let processedMs: number | undefined;
  let pending = '';
  let tail = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const now = performance.now();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail = (tail + line + '\n').slice(-2_000);
      if (firstMs === undefined && line.includes(`"${FIRST_RECORDS_FIELD}":`)) firstMs = now;
      const processed = /"processed":(\d+)/.exec(line);
      if (processedMs === undefined && processed !== null && Number(processed[1]) >= count) processedMs = now;
    }
  });
  const exited = exitOf(child);
  try {
    let total = 0;
    const poll = async () => {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`consumer-worker exited with ${child.exitCode}: ${stderr.slice(-2_000)}`);
        total = await committedTotal(admin, groupId, topic).catch(() => total);
        if (total >= count) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await withTimeout('consumer-worker process', poll());
    const committedMs = performance.now();
    // The progress line after the last record comes within PROGRESS_INTERVAL_MS of it: usually
    // before the commits covering it, bounded wait otherwise.
    for (let waited = 0; processedMs === undefined && waited < 2_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    if (firstMs === undefined || processedMs === undefined) throw new Error(`consumer-worker committed every record but logged no "${FIRST_RECORDS_FIELD}" line or no progress line at ${count} processed: ${tail}`);
    const end = processedMs;
    const seconds = (end - started) / 1000;
    return {
      name: 'consumer-worker noop, 2 threads (process, built)',
      records: total,
      seconds,
      recordsPerSec: total / seconds,
      startupSeconds: (firstMs - started) / 1000,
      steadyPerSec: total / Math.max(0.001, (end - firstMs) / 1000),
      committedSeconds: (committedMs - started) / 1000,
    };
  } finally {
    child.kill('SIGTERM');
    await exited.catch(() => undefined);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

const broker = process.env.KAFKA_BROKERS ? undefined : await startEmbeddedBroker();
const kafkaConfig: KafkaConfig = { ...defaultKafkaConfig, brokers: resolveBrokers(), logLevel: 'error' };
const admin = createKafka(kafkaConfig).admin();
await admin.connect();
const topic = `bench-consumer-${Date.now().toString(36)}`;
try {
  await ensureTopic(admin, { topic, partitions: PARTITIONS });
  console.log(`pre-loading ${RECORDS.toLocaleString()} × ${RECORD_BYTES} B records on ${PARTITIONS} partitions ...`);
  await preload(kafkaConfig, topic);

  const inProcess = async () => {
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
    return { raw, floor, noop, cpu1, cpu2 };
  };
  const runs = PROCESS_ONLY ? undefined : await inProcess();

  // Whole processes, alternating, so load from elsewhere falls on both alike.
  const brokers = kafkaConfig.brokers.join(',');
  const java: ProcessResult[] = [];
  const worker: ProcessResult[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    java.push(await javaConsumerPerformance(brokers, topic, RECORDS));
    worker.push(await consumerWorkerProcess(admin, brokers, topic, RECORDS));
    const j = java.at(-1) as ProcessResult;
    const w = worker.at(-1) as ProcessResult;
    console.log(
      `round ${round + 1}: Java ${j.seconds.toFixed(2)} s, consumer-worker ${w.seconds.toFixed(2)} s (${(j.seconds / w.seconds).toFixed(2)}× Java; steady ${Math.round(w.steadyPerSec)} against ${Math.round(j.steadyPerSec)} records/s, ${(w.steadyPerSec / j.steadyPerSec).toFixed(2)}×; its commits covered every record at ${w.committedSeconds?.toFixed(2)} s)`,
    );
  }
  const processRow = (runs: ProcessResult[], baseline: ProcessResult[]): BenchRow => {
    const seconds = median(runs.map((r) => r.seconds));
    const ratios = runs.map((r, i) => (baseline[i]?.seconds ?? NaN) / r.seconds);
    // each round's steady rates side by side, as for the whole process: load that comes and goes falls on both alike
    const steadyRatios = runs.map((r, i) => r.steadyPerSec / (baseline[i]?.steadyPerSec ?? NaN));
    const records = runs[0]?.records ?? 0;
    return {
      name: runs[0]?.name ?? '',
      opsPerSec: records / seconds,
      meanMs: (seconds * 1000) / records,
      mbPerSec: ((records / seconds) * RECORD_BYTES) / 1024 ** 2,
      extra: {
        records,
        seconds: Number(seconds.toFixed(2)),
        'startup s': Number(median(runs.map((r) => r.startupSeconds)).toFixed(2)),
        'after startup/s': Math.round(median(runs.map((r) => r.steadyPerSec))),
        ratio: `${median(ratios).toFixed(2)}× Java (whole process, median; ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        'steady ratio': `${median(steadyRatios).toFixed(2)}× Java (median; ${Math.min(...steadyRatios).toFixed(2)}–${Math.max(...steadyRatios).toFixed(2)}; of the medians ${(median(runs.map((r) => r.steadyPerSec)) / median(baseline.map((r) => r.steadyPerSec))).toFixed(2)}×)`,
        rounds: runs.length,
      },
    };
  };

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
    [
      ...(runs === undefined
        ? []
        : [row(runs.raw, runs.raw, 'raw'), row(runs.floor, runs.raw, 'raw'), row(runs.noop, runs.raw, 'raw'), row(runs.cpu1, runs.cpu1, '1 thread'), row(runs.cpu2, runs.cpu1, '1 thread')]),
      processRow(java, java),
      processRow(worker, java),
    ],
    {
      notes:
        `${RECORDS.toLocaleString()} pre-loaded ${RECORD_BYTES} B records on ${PARTITIONS} partitions, one embedded broker on the same 2-core machine; each run a new group from the beginning, timed from start (connect and group join included; for consumer-worker also starting its worker threads, from the built JavaScript) to the last record processed. ` +
        'startup s = until the first record was in hand (raw) or processed (consumer-worker, polled every 50 ms); after startup/s = the rate from then on. ' +
        'consumer-worker and the undecoded row use the patched kafkajs\'s rawRecordSets: record sets reach eachBatch undecoded, and consumer-worker reads offsets, keys and timestamps from the bytes (docs/decisions/0007). ' +
        `noop goal ≥ 0.9× raw kafkajs. cpu runs stop after ${CPU_RECORDS.toLocaleString()} records (costUs=200); goal 2 threads ≥ 1.7× 1 thread, on 2 cores shared with the broker. ` +
        `The two process rows: ${ROUNDS} rounds, alternating, same topic: Kafka's Java ConsumerPerformance (kafka-tools from .kafka/libs, -Xmx512m, a new group) timed from spawn to exit, its steady state its own fetch.nMsg.sec and its startup the time before its first fetch; ` +
        `the consumer-worker CLI (built, noop, 2 threads, commits every ${PROCESS_COMMIT_INTERVAL_MS} ms) timed from spawn until it logs that it has processed every record (its progress line every ${PROGRESS_INTERVAL_MS} ms, read from its stdout as it comes), startup until it logs its first records processed, steady state from then on; each run also waits until its commits cover every record, which took a median ${median(worker.map((w) => w.committedSeconds ?? NaN)).toFixed(2)} s from spawn (read every 50 ms; the end this bench used before). ` +
        'Seconds, startup and after-startup are medians; the ratio is the median of the per-round ratios (Java seconds ÷ consumer-worker seconds), with their range, and the steady ratio likewise (consumer-worker steady rate ÷ Java steady rate, per round), then the ratio of the two medians. Goal ≥ 0.9× Java.',
    },
  );
} finally {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  if (broker?.startedByUs) await broker.stop();
}
