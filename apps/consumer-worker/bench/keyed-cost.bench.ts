// What keyed state costs: records through the dispatcher and the worker pool (the consumer's path
// without Kafka), keyed state on and off in alternating rounds, measured as CPU time per record
// of the whole process (main thread and worker threads: process.cpuUsage counts both). CPU time
// moves far less than wall time on a shared machine; the load average is printed with each round.
// Run from apps/consumer-worker:  node --conditions=lagscale-source --import tsx bench/keyed-cost.bench.ts
// Knobs: BENCH_RECORDS (per round, default 200,000), BENCH_ROUNDS (per mode, default 5),
// BENCH_THREADS (default 2), BENCH_CPU_COST_US (the cpu handler's cost, default 20; its rounds
// take a tenth of the records).
// Bounded: a fixed record count per round and a timeout for each.
import os from 'node:os';
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { Dispatcher } from '../src/dispatch/dispatcher.js';
import { pooledRecordsOf, type DispatchRecord } from '../src/pool/executor.js';
import { WorkerPool } from '../src/pool/worker-pool.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const CPU_COST_US = process.env.BENCH_CPU_COST_US ?? '20';
const PARTITIONS = 6;
const KEYS = 1_200;
const BATCH = 1_000;
// like a fetch loop under backpressure: no more than this many records held at once
const MAX_HELD = 20_000;
const TIMEOUT_MS = 300_000;
const VALUE = Buffer.from(JSON.stringify({ id: 'sensor-0001', reading: 21.5, at: 1_700_000_000_000, pad: 'x'.repeat(40) }));

function batch(partition: number, from: number): DispatchRecord[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    topic: 'bench',
    partition,
    offset: from + i,
    // a key belongs to one partition, as with Kafka's partitioner
    key: Buffer.from(`key-${partition}-${((from + i) * 7) % (KEYS / PARTITIONS)}`),
    value: VALUE,
    headers: { 'content-type': 'application/json' },
    timestamp: '1700000000000',
    attempt: 1,
  }));
}

interface Round {
  keyed: boolean;
  cpuUsPerRecord: number;
  wallSeconds: number;
  load1: number;
  recordsPerChunk: number;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

async function round(handler: string, handlerOptions: Record<string, string>, keyed: boolean, records: number): Promise<Round> {
  const pool = new WorkerPool({ threads: THREADS, handler, handlerOptions, keyedState: keyed ? 'on' : 'off' });
  await pool.start();
  try {
    // Every thread loads its handler before the clock starts: without keyed state, start() loads
    // it in one thread only and the others would load (and calibrate) inside the measured round.
    const warm = pooledRecordsOf(batch(0, 0).slice(0, 16));
    await Promise.all(Array.from({ length: THREADS * 8 }, () => pool.run(warm)));
    const dispatcher = new Dispatcher(
      { executor: pool, onOutputs: () => Promise.resolve(), onDeadLetter: () => Promise.resolve(), pause: () => undefined, resume: () => undefined },
      { poolThreads: THREADS, ordering: 'key', maxUncommittedRecords: MAX_HELD * 10, highWaterMark: MAX_HELD * 10, lowWaterMark: MAX_HELD },
    );
    const next = new Array<number>(PARTITIONS).fill(0);
    const deadline = Date.now() + TIMEOUT_MS;
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let sent = 0; sent < records; sent += BATCH) {
      const partition = (sent / BATCH) % PARTITIONS;
      dispatcher.enqueue(batch(partition, next[partition]!));
      next[partition]! += BATCH;
      while (dispatcher.uncommittedRecords > MAX_HELD) {
        if (Date.now() > deadline) throw new Error(`over ${TIMEOUT_MS} ms`);
        await immediate();
      }
    }
    while (dispatcher.stats().processed < records) {
      if (Date.now() > deadline) throw new Error(`over ${TIMEOUT_MS} ms`);
      await immediate();
    }
    const wallSeconds = (performance.now() - started) / 1_000;
    const used = process.cpuUsage(cpu);
    const recordsPerChunk = records / dispatcher.stats().chunksStarted;
    return { keyed, cpuUsPerRecord: (used.user + used.system) / records, wallSeconds, load1: os.loadavg()[0] ?? 0, recordsPerChunk };
  } finally {
    await pool.close();
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const rows: BenchRow[] = [];
const lines: string[] = [];
const HANDLERS = (process.env.BENCH_HANDLERS ?? 'noop,cpu').split(',');
for (const [handler, options] of [
  ['noop', {}],
  ['cpu', { costUs: CPU_COST_US, calibrateMs: '200' }],
] as const) {
  if (!HANDLERS.includes(handler)) continue;
  const records = handler === 'cpu' ? RECORDS / 10 : RECORDS;
  await round(handler, options, true, records); // warm-up: code paths optimised before the first measured round
  const results: Round[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    for (const keyed of i % 2 === 0 ? [false, true] : [true, false]) {
      const r = await round(handler, options, keyed, records);
      results.push(r);
      const line = `${handler} ${keyed ? 'keyed  ' : 'unkeyed'} round ${i + 1}: ${r.cpuUsPerRecord.toFixed(2)} µs CPU/record, ${r.wallSeconds.toFixed(2)} s, ${r.recordsPerChunk.toFixed(0)} records/chunk, load ${r.load1.toFixed(1)}`;
      lines.push(line);
      console.log(line);
    }
  }
  const of = (keyed: boolean) => results.filter((r) => r.keyed === keyed);
  const unkeyedCpu = median(of(false).map((r) => r.cpuUsPerRecord));
  // pairs in the same round: the ratio of two neighbours moves less than either alone
  const ratios = of(true).map((r, i) => r.cpuUsPerRecord / of(false)[i]!.cpuUsPerRecord);
  for (const keyed of [false, true]) {
    const mine = of(keyed);
    const cpu = median(mine.map((r) => r.cpuUsPerRecord));
    const wall = median(mine.map((r) => r.wallSeconds));
    rows.push({
      name: `${handler}${handler === 'cpu' ? ` ${CPU_COST_US} µs` : ''}, keyed state ${keyed ? 'on' : 'off'}`,
      opsPerSec: records / wall,
      meanMs: (wall * 1_000) / records,
      extra: {
        'CPU µs/record (median)': Number(cpu.toFixed(2)),
        'CPU range': `${Math.min(...mine.map((r) => r.cpuUsPerRecord)).toFixed(2)}–${Math.max(...mine.map((r) => r.cpuUsPerRecord)).toFixed(2)}`,
        'vs off (median of pairs)': keyed ? `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : '1.00×',
        'vs off (medians)': `${(cpu / unkeyedCpu).toFixed(2)}×`,
        'load 1 min': `${Math.min(...mine.map((r) => r.load1)).toFixed(1)}–${Math.max(...mine.map((r) => r.load1)).toFixed(1)}`,
      },
    });
  }
}

await writeBenchReport('consumer-keyed-cost', rows, {
  notes:
    `Dispatcher + WorkerPool without Kafka: ${RECORDS.toLocaleString('en')} records a round (cpu: a tenth) over ${PARTITIONS} partitions and ${KEYS} keys, key ordering, chunks of 256, ${THREADS} threads, ` +
    `at most ${MAX_HELD.toLocaleString('en')} records held; ${ROUNDS} rounds per mode, keyed and unkeyed alternating, after a warm-up round. ` +
    'CPU µs/record = user + system time of the whole process (main thread and worker threads) per record; ops/s and mean come from wall time, which a shared machine moves a lot. ' +
    `Rounds:\n\n${lines.map((l) => `- ${l}`).join('\n')}`,
});
