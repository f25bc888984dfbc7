// Hot-path codec benchmarks: json vs msgpack value codecs, and the four Kafka compression
// codecs on a 16 KiB batch and 1 MiB of JSON records. Run from libs/codecs:
//   node --conditions=lagscale-source --import tsx bench/codecs.bench.ts
// Bounded: every task runs for a fixed time budget, the whole suite in well under a minute.
import { Bench, type Task } from 'tinybench';
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { compressionCodecs, jsonCodec, msgpackCodec, type Codec, type CompressionAlgorithm } from '../src/index.js';
import { jsonLines, seededRandom, sensorReading, userEvent } from './fixtures.js';

const taskTimeMs = 500;
const poolSize = 256; // distinct records per payload kind, cycled, so no one value stays hot
// A value codec call takes ~0.1–5 µs, close to the cost of reading the clock: each timed sample
// runs this many calls, and figures are divided back to one call.
const callsPerSample = 32;
const megabyte = 1_000_000; // MB/s in 10^6 bytes

let sink = 0; // keeps results alive so the work cannot be optimised away

interface Measured {
  opsPerSec: number;
  meanMs: number;
  p99Ms: number;
}

function measured(task: Task, callsPerRun = 1): Measured {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`bench task "${task.name}" ended ${result.state}`);
  const meanMs = result.latency.mean / callsPerRun;
  return { opsPerSec: 1000 / meanMs, meanMs, p99Ms: result.latency.p99 / callsPerRun };
}

const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;

async function valueCodecRows(): Promise<BenchRow[]> {
  const random = seededRandom(42);
  const payloads = [
    { kind: 'user-event', make: userEvent },
    { kind: 'sensor-reading', make: sensorReading },
  ].map(({ kind, make }) => ({
    kind,
    values: Array.from({ length: poolSize }, (_, i) => make(random, 1_700_000_000_000 + i * 1000)),
  }));
  const codecs: Codec[] = [jsonCodec, msgpackCodec];

  const bench = new Bench({ name: 'value codecs', time: taskTimeMs, warmupTime: 100 });
  const sizes = new Map<string, number>();
  for (const { kind, values } of payloads) {
    for (const codec of codecs) {
      const encoded = values.map((value) => codec.encode(value));
      sizes.set(`${codec.name} ${kind}`, encoded.reduce((sum, bytes) => sum + bytes.length, 0) / poolSize);
      let i = 0;
      bench.add(`${codec.name} encode ${kind}`, () => {
        for (let n = 0; n < callsPerSample; n++) sink += codec.encode(values[i++ % poolSize]).length;
      });
      let j = 0;
      bench.add(`${codec.name} decode ${kind}`, () => {
        for (let n = 0; n < callsPerSample; n++) {
          sink += codec.decode(encoded[j++ % poolSize] as Buffer) === null ? 0 : 1;
        }
      });
    }
  }
  bench.runSync();

  const byName = new Map(bench.tasks.map((task) => [task.name, measured(task, callsPerSample)]));
  const rows: BenchRow[] = [];
  for (const { kind } of payloads) {
    for (const op of ['encode', 'decode'] as const) {
      const json = byName.get(`json ${op} ${kind}`);
      for (const codec of codecs) {
        const m = byName.get(`${codec.name} ${op} ${kind}`);
        const bytes = sizes.get(`${codec.name} ${kind}`);
        if (m === undefined || bytes === undefined || json === undefined) continue;
        rows.push({
          name: `${codec.name} ${op} ${kind}`,
          ...m,
          mbPerSec: (m.opsPerSec * bytes) / megabyte,
          extra: {
            'bytes/op': Math.round(bytes),
            'vs json': codec === jsonCodec ? 'baseline' : ratio(m.opsPerSec, json.opsPerSec),
          },
        });
      }
    }
  }
  return rows;
}

async function compressionRows(): Promise<BenchRow[]> {
  const corpus = jsonLines(seededRandom(7), 1 << 20);
  // a 16 KiB batch is what Java producers send by default (batch.size); 1 MiB is a full fetch
  const inputs = [
    { label: '16 KiB batch', raw: corpus.subarray(0, 16 * 1024) },
    { label: '1 MiB', raw: corpus.subarray(0, 1 << 20) },
  ];
  const algorithms = Object.keys(compressionCodecs) as CompressionAlgorithm[];

  // a 1 MiB call takes milliseconds: a few iterations fill the budget, and the default minimum
  // of 64 iterations would blow it for gzip
  const bench = new Bench({
    name: 'compression',
    time: taskTimeMs,
    warmupTime: 100,
    iterations: 5,
    warmupIterations: 2,
  });
  const compressedSizes = new Map<string, number>();
  for (const { label, raw } of inputs) {
    for (const name of algorithms) {
      const codec = compressionCodecs[name];
      const compressed = await codec.compress(raw);
      compressedSizes.set(`${name} ${label}`, compressed.length);
      bench.add(`${name} compress ${label}`, async () => {
        sink += (await codec.compress(raw)).length;
      });
      bench.add(`${name} decompress ${label}`, async () => {
        sink += (await codec.decompress(compressed)).length;
      });
    }
  }
  await bench.run();

  const byName = new Map(bench.tasks.map((task) => [task.name, measured(task)]));
  const rows: BenchRow[] = [];
  for (const { label, raw } of inputs) {
    for (const op of ['compress', 'decompress'] as const) {
      const gzip = byName.get(`gzip ${op} ${label}`);
      for (const name of algorithms) {
        const m = byName.get(`${name} ${op} ${label}`);
        const size = compressedSizes.get(`${name} ${label}`);
        if (m === undefined || size === undefined || gzip === undefined) continue;
        rows.push({
          name: `${name} ${op} ${label}`,
          ...m,
          mbPerSec: (m.opsPerSec * raw.length) / megabyte,
          extra: {
            ratio: `${(raw.length / size).toFixed(2)}:1`,
            'compressed bytes': size,
            'vs gzip': name === 'gzip' ? 'baseline' : ratio(m.opsPerSec, gzip.opsPerSec),
          },
        });
      }
    }
  }
  return rows;
}

const started = performance.now();
await writeBenchReport('codecs-value', await valueCodecRows(), {
  notes: [
    'Encode and decode of one record value per op. MB/s counts 10^6 bytes of the encoded value.',
    `Each timed sample runs ${callsPerSample} calls; mean and p99 are per call (p99 of those samples).`,
    `"vs json" is ops/s against json in the same run. Payloads: ${poolSize} distinct deterministic`,
    'records per kind (user-event ~90 B, sensor-reading ~900 B as JSON), cycled.',
  ].join('\n'),
});
await writeBenchReport('codecs-compression', await compressionRows(), {
  notes: [
    'One compress or decompress call per op on newline-separated JSON records (user events and',
    'sensor readings). MB/s counts 10^6 bytes of uncompressed input for both directions.',
    '"vs gzip" is ops/s against gzip (the codec kafkajs ships) in the same run.',
  ].join('\n'),
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`codecs bench done in ${seconds} s (sink ${sink > 0 ? 'ok' : 'empty'})`);
