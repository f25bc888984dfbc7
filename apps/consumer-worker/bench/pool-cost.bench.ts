// Cost per record of the worker pool itself: a noop handler, records copied into a shared arena
// (as the dispatcher does once per fetched batch), a chunk index shipped to a piscina thread,
// run and answered, at chunk sizes 1, 16 and 256.
// Baseline in the same run: chunk size 256, the dispatcher's default.
// Run from apps/consumer-worker:  node --conditions=lagscale-source --import tsx bench/pool-cost.bench.ts
// Bounded: a fixed record count per chunk size (BENCH_RECORDS) and a timeout for each.
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { pooledRecordsOf, type DispatchRecord } from '../src/pool/executor.js';
import { WorkerPool } from '../src/pool/worker-pool.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const CHUNK_SIZES = [1, 16, 256] as const;
const THREADS = 2;
// as many chunks in flight as the dispatcher allows by default (threads × 2)
const CONCURRENT_CHUNKS = THREADS * 2;
const TIMEOUT_MS = 120_000;
const VALUE = Buffer.from(JSON.stringify({ id: 'sensor-0001', reading: 21.5, at: 1_700_000_000_000, pad: 'x'.repeat(40) }));

function records(count: number, from: number): DispatchRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic: 'bench',
    partition: 0,
    offset: from + i,
    key: Buffer.from(`key-${(from + i) % 100}`),
    value: VALUE,
    headers: { 'content-type': 'application/json' },
    timestamp: '1700000000000',
    attempt: 1,
  }));
}

interface Result {
  chunkSize: number;
  seconds: number;
  recordsPerSec: number;
  usPerRecord: number;
  chunkP99Ms: number;
}

async function measure(pool: WorkerPool, chunkSize: number, total: number): Promise<Result> {
  const chunks = Math.ceil(total / chunkSize);
  // one prepared set of records reused: what is measured is the copy into an arena and the pool
  const chunk = records(chunkSize, 0);
  const latencies: number[] = [];
  let next = 0;
  const deadline = Date.now() + TIMEOUT_MS;
  const lane = async () => {
    while (next < chunks) {
      if (Date.now() > deadline) throw new Error(`chunk size ${chunkSize}: over ${TIMEOUT_MS} ms`);
      next += 1;
      const started = performance.now();
      const outcomes = await pool.run(pooledRecordsOf(chunk));
      latencies.push(performance.now() - started);
      if (outcomes.length !== chunkSize) throw new Error(`got ${outcomes.length} outcomes for ${chunkSize} records`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENT_CHUNKS }, lane));
  const seconds = (performance.now() - started) / 1000;
  const done = chunks * chunkSize;
  latencies.sort((a, b) => a - b);
  return { chunkSize, seconds, recordsPerSec: done / seconds, usPerRecord: (seconds * 1e6) / done, chunkP99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

const pool = new WorkerPool({ threads: THREADS, handler: 'noop' });
await pool.start();
try {
  const results: Result[] = [];
  for (const chunkSize of CHUNK_SIZES) {
    const total = chunkSize === 1 ? Math.min(RECORDS, 50_000) : RECORDS;
    await measure(pool, chunkSize, Math.min(total, chunkSize * 200)); // warm-up
    results.push(await measure(pool, chunkSize, total));
    console.log(`chunk size ${chunkSize}: ${Math.round(results.at(-1)?.recordsPerSec ?? 0).toLocaleString()} records/s`);
  }
  const baseline = results.find((r) => r.chunkSize === 256) as Result;
  const rows: BenchRow[] = results.map((r) => ({
    name: `noop, chunk size ${r.chunkSize}`,
    opsPerSec: r.recordsPerSec,
    meanMs: r.usPerRecord / 1000,
    p99Ms: r.chunkP99Ms,
    extra: {
      'µs/record': Number(r.usPerRecord.toFixed(2)),
      records: Math.round(r.recordsPerSec * r.seconds),
      'vs chunk 256': `${(r.recordsPerSec / baseline.recordsPerSec).toFixed(2)}×`,
    },
  }));
  await writeBenchReport('consumer-pool-cost', rows, {
    notes:
      `WorkerPool round trip with the noop handler: ${THREADS} threads, ${CONCURRENT_CHUNKS} chunks in flight, ~100 B JSON values copied once into a shared arena per chunk (the dispatcher copies once per fetched batch), not decoded (noop declares readsValue: false). ` +
      'ops/s = records per second; mean = wall time per record (1 / throughput); p99 = round-trip time of one chunk. ' +
      'The cost per record at chunk size 256 is what the pool adds to every record under load; chunk size 1 shows the fixed cost of one piscina task.',
  });
} finally {
  await pool.close();
}
