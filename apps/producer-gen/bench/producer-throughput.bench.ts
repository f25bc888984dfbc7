// producer-gen against Kafka's own kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance)
// on the same broker in the same run: 100 B and 1 KB records, without compression, lz4 and zstd,
// as fast as each goes, several rounds alternating the tools. BENCH_ACKS=all (the default) runs
// both idempotent with acks=all and up to 5 requests in flight (the default of `run` and of the
// Java producer); BENCH_ACKS=1 runs both with acks=1 and no idempotence.
// Run from apps/producer-gen:  node --conditions=lagscale-source --import tsx bench/producer-throughput.bench.ts
// Bounded: a fixed record count per tool and a timeout per process.
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createKafka, defaultKafkaConfig, ensureTopic } from '@lagscale/kafka-core';
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { resolveBrokers, startEmbeddedBroker } from '../../../tools/kafka/embedded-broker.js';

// Records per run: 100 B records by default 500k, 1 KB records a fifth of that (the same order of bytes).
const RECORDS = Number(process.env.BENCH_RECORDS ?? 500_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = 6;
const ACKS = process.env.BENCH_ACKS === '1' ? '1' : 'all';
// Java turns idempotence off by itself for acks=1; say it either way
const JAVA_DELIVERY = ACKS === 'all' ? ['acks=all', 'enable.idempotence=true', 'max.in.flight.requests.per.connection=5'] : ['acks=1', 'enable.idempotence=false'];
const ONLY = process.env.BENCH_CASES?.split(',');
const TIMEOUT_MS = 300_000;
const CASES = [
  { recordBytes: 100, compression: 'none' },
  { recordBytes: 100, compression: 'lz4' },
  { recordBytes: 100, compression: 'zstd' },
  { recordBytes: 1_024, compression: 'none' },
  { recordBytes: 1_024, compression: 'lz4' },
  { recordBytes: 1_024, compression: 'zstd' },
] as const;
type Case = (typeof CASES)[number];
// BENCH_CASES=100-none,1024-zstd picks cases
const selectedCases = CASES.filter((c) => ONLY === undefined || ONLY.includes(`${c.recordBytes}-${c.compression}`));
const recordsFor = (c: Case) => (c.recordBytes >= 1_024 ? Math.round(RECORDS / 5) : RECORDS);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mainTs = path.join(repoRoot, 'apps/producer-gen/src/cli/main.ts');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: repoRoot, env, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

interface Result {
  recordsPerSec: number;
  mbPerSec: number;
  meanLatencyMs: number;
}

// "1000000 records sent, 431034.5 records/sec (41.11 MB/sec), 257.42 ms avg latency, 600.00 ms max latency, ..."
function parseJavaSummary(stdout: string): Result {
  const line = stdout.trim().split('\n').findLast((l) => l.includes('records sent'));
  const match = line === undefined ? null : /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/.exec(line);
  if (match === null) throw new Error(`could not parse ProducerPerformance output:\n${stdout.slice(-1000)}`);
  return { recordsPerSec: Number(match[2]), mbPerSec: Number(match[3]), meanLatencyMs: Number(match[4]) };
}

async function javaProducer(brokers: string, topic: string, c: Case): Promise<Result> {
  const stdout = await run('java', [
    '-Xmx512m',
    '-cp',
    path.join(repoRoot, '.kafka', 'libs', '*'),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic', topic,
    '--num-records', String(recordsFor(c)),
    '--record-size', String(c.recordBytes),
    '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, ...JAVA_DELIVERY, `compression.type=${c.compression}`,
  ]);
  return parseJavaSummary(stdout);
}

async function producerGen(brokers: string, topic: string, c: Case): Promise<Result & { producerId: string }> {
  const records = recordsFor(c);
  const stdout = await run(process.execPath, [
    '--conditions=lagscale-source', '--import', 'tsx', mainTs,
    'run', '--json',
    '--brokers', brokers, '--topic', topic,
    '--workload', 'bytes', '--record-bytes', String(c.recordBytes), '--compression', c.compression,
    '--rate', 'max', '--count', String(records), '--acks', ACKS, '--max-in-flight', '5',
    '--metrics-port', '0', '--log-level', 'warn',
  ]);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { acked: number; ackedPerSec: number; meanLatencyMs: number; producerId: string };
  if (summary.acked !== records) throw new Error(`producer-gen acked ${summary.acked} of ${records}`);
  return { recordsPerSec: summary.ackedPerSec, mbPerSec: (summary.ackedPerSec * c.recordBytes) / (1024 * 1024), meanLatencyMs: summary.meanLatencyMs, producerId: summary.producerId };
}

// The sequence verifier over a whole topic: every record once, each key in order.
async function verify(brokers: string, topic: string, producerId: string, records: number): Promise<string> {
  const stdout = await run(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', mainTs, 'verify', '--brokers', brokers, '--topic', topic, '--expected', `${producerId}=${records}`, '--log-level', 'warn']).catch(
    (err: Error) => err.message,
  );
  const match = /seen (\d+)\/(\d+), duplicates (\d+), gaps (\d+), key order violations (\d+)/.exec(stdout);
  return match === null ? 'verify failed' : `${match[3]}/${match[4]}/${match[5]}`;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const broker = process.env.KAFKA_BROKERS ? undefined : await startEmbeddedBroker();
const brokers = resolveBrokers().join(',');
const kafka = createKafka({ ...defaultKafkaConfig, brokers: brokers.split(','), logLevel: 'error' });
const admin = kafka.admin();
await admin.connect();
const runId = Date.now().toString(36);
// The machine's load beside the figures: on a shared box it decides how far they can be trusted.
const loadAtStart = loadavg()[0] ?? 0;
const topics: string[] = [];
const rows: BenchRow[] = [];
try {
  for (const c of selectedCases) {
    const label = `${c.recordBytes} B, ${c.compression}`;
    const java: Result[] = [];
    const ours: Result[] = [];
    const ratios: number[] = [];
    let checked = 'not run';
    console.log(`${label}: ${recordsFor(c).toLocaleString()} records × ${ROUNDS} rounds per tool ...`);
    for (let i = 0; i < ROUNDS; i += 1) {
      const javaTopic = `bench-java-${runId}-${c.recordBytes}-${c.compression}-${i}`;
      const ourTopic = `bench-producer-gen-${runId}-${c.recordBytes}-${c.compression}-${i}`;
      for (const topic of [javaTopic, ourTopic]) {
        await ensureTopic(admin, { topic, partitions: PARTITIONS });
        topics.push(topic);
      }
      // Alternate which tool goes first, so a noisy moment on the shared box hits both.
      let javaResult: Result;
      let ourResult: Result & { producerId: string };
      if (i % 2 === 0) {
        javaResult = await javaProducer(brokers, javaTopic, c);
        ourResult = await producerGen(brokers, ourTopic, c);
      } else {
        ourResult = await producerGen(brokers, ourTopic, c);
        javaResult = await javaProducer(brokers, javaTopic, c);
      }
      java.push(javaResult);
      ours.push(ourResult);
      ratios.push(ourResult.recordsPerSec / javaResult.recordsPerSec);
      console.log(`  round ${i + 1}: Java ${Math.round(javaResult.recordsPerSec).toLocaleString()}/s, producer-gen ${Math.round(ourResult.recordsPerSec).toLocaleString()}/s (${(ratios.at(-1) ?? 0).toFixed(2)}×)`);
      if (i === ROUNDS - 1) checked = await verify(brokers, ourTopic, ourResult.producerId, recordsFor(c));
    }
    const row = (name: string, results: Result[], extra: Record<string, string | number>): BenchRow => ({
      name,
      opsPerSec: median(results.map((r) => r.recordsPerSec)),
      meanMs: median(results.map((r) => r.meanLatencyMs)),
      mbPerSec: median(results.map((r) => r.mbPerSec)),
      extra: { 'rounds records/s': results.map((r) => Math.round(r.recordsPerSec)).join(' / '), ...extra },
    });
    rows.push(row(`${label}: kafka-producer-perf-test (Java)`, java, { 'vs Java (median, spread)': '1.00×', 'dup/gaps/order': '' }));
    rows.push(
      row(`${label}: producer-gen run`, ours, {
        'vs Java (median, spread)': `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        'dup/gaps/order': checked,
      }),
    );
  }
  await writeBenchReport('producer-throughput', rows, {
    notes:
      `${RECORDS.toLocaleString()} records of 100 B or ${Math.round(RECORDS / 5).toLocaleString()} of 1 KB per run, ${PARTITIONS} partitions, ${ACKS === 'all' ? 'acks=all with idempotence on both (5 requests in flight)' : 'acks=1 without idempotence'}, unthrottled, ${ROUNDS} rounds per tool alternating which goes first, one embedded broker on the same 2-core machine. ` +
      'ops/s and MB/s = median over the rounds of records (value bytes) acknowledged per second; mean = median of the mean produce latency (Java: send to callback; producer-gen: generation to ack). ' +
      'vs Java = median of the per-round ratios, with their spread. dup/gaps/order = the sequence verifier on producer-gen\'s last round (duplicates, gaps, key order violations). ' +
      'producer-gen also generates keys, 3 sequence headers and a content-type header per record; the Java tool sends keyless records without headers. ' +
      `Load average (1 min) at the start ${loadAtStart.toFixed(1)}, at the end ${(loadavg()[0] ?? 0).toFixed(1)}.`,
  });
} finally {
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  if (broker?.startedByUs) await broker.stop();
}
