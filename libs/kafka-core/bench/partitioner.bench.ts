// murmur2 partitioning throughput, ours against kafkajs's own implementation (Long-based) as the
// in-run baseline. Run from libs/kafka-core:
//   node --conditions=lagscale-source --import tsx bench/partitioner.bench.ts
// Bounded: each task runs for a fixed time budget.
import { Bench, type Task } from 'tinybench';
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { kafkajsFork, murmur2, partitionForKey } from '../src/index.js';

// the murmur2 of kafkajs's default partitioner (exported by our fork, vendor/kafkajs)
const kafkajsMurmur2 = kafkajsFork().murmur2;

const taskTimeMs = 700;
const POOL = 1024;
const PARTITIONS = 12;
let sink = 0;

const keySets = [
  { label: '8 B keys', keys: Array.from({ length: POOL }, (_, i) => `u${String(i).padStart(7, '0')}`) },
  { label: '36 B uuid keys', keys: Array.from({ length: POOL }, (_, i) => `${i.toString(16).padStart(8, '0')}-7c1e-4b2a-9f3d-1a2b3c4d5e6f`) },
];

function measured(task: Task): { opsPerSec: number; meanMs: number; p99Ms: number } {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`bench task "${task.name}" ended ${result.state}`);
  // Per hash, not per pool pass.
  return { opsPerSec: (1000 / result.latency.mean) * POOL, meanMs: result.latency.mean / POOL, p99Ms: result.latency.p99 / POOL };
}

// One task iteration hashes the whole pool: a single hash takes nanoseconds, below what a
// per-call timer can resolve.
const bench = new Bench({ name: 'partitioner', time: taskTimeMs, warmupTime: 100 });
for (const { label, keys } of keySets) {
  const buffers = keys.map((k) => Buffer.from(k));
  // Same answers first: a fast wrong hash is worth nothing.
  for (const b of buffers) {
    if (murmur2(b) !== kafkajsMurmur2(b)) throw new Error(`murmur2 mismatch for ${b.toString()}`);
  }
  bench.add(`kafkajs murmur2 (Buffer) ${label}`, () => {
    for (const b of buffers) sink ^= kafkajsMurmur2(b);
  });
  bench.add(`murmur2 (Buffer) ${label}`, () => {
    for (const b of buffers) sink ^= murmur2(b);
  });
  bench.add(`partitionForKey (string) ${label}`, () => {
    for (const key of keys) sink ^= partitionForKey(key, PARTITIONS);
  });
}
bench.runSync();

const byName = new Map(bench.tasks.map((task) => [task.name, measured(task)]));
const rows: BenchRow[] = [];
for (const { label } of keySets) {
  const baseline = byName.get(`kafkajs murmur2 (Buffer) ${label}`);
  for (const name of [`kafkajs murmur2 (Buffer) ${label}`, `murmur2 (Buffer) ${label}`, `partitionForKey (string) ${label}`]) {
    const m = byName.get(name);
    if (m === undefined || baseline === undefined) continue;
    rows.push({ name, ...m, extra: { 'hashes/s': Math.round(m.opsPerSec), 'vs kafkajs': `${(m.opsPerSec / baseline.opsPerSec).toFixed(2)}×` } });
  }
}
await writeBenchReport('partitioner', rows, {
  notes:
    'Java-compatible murmur2 (`toPositive(murmur2(key)) % n`). Baseline: kafkajs\'s Long-based murmur2 from its default partitioner, ' +
    'same keys, same run. `partitionForKey (string)` includes the UTF-8 encoding of the key.',
});
if (sink === 0.5) console.log(sink);
