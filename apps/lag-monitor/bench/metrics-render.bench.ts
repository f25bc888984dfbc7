// Cost of the lag-monitor's /metrics at scale: groups × topics × partitions, every group on every
// topic (1,000 partitions × 20 groups by default; BENCH_TOPICS=250 BENCH_GROUPS=50 for 5,000 × 50,
// 250,000 group-partitions). Measured: derive() for one cycle, update(), and a scrape: the
// registry's text plus the broker-derived series rendered in chunks from the views (what /metrics
// streams), with CPU time and the process's resident memory.
// Baseline in the same run (BENCH_BASELINE=1, the default up to 1,000 × 20): the usual prom-client
// pattern, `gauge.labels(...).set()` per series every cycle with stale series removed one by one,
// then prom-client's render; measured after ours, so ours' RSS does not include its gauges.
// BENCH_SNAPSHOT=<file>: start from a snapshot recorded from a real broker (collection.bench.ts
// BENCH_RECORD_SNAPSHOT) instead of a synthetic one; later cycles advance its offsets.
// Run from apps/lag-monitor:  node --conditions=lagscale-source --import tsx bench/metrics-render.bench.ts
// Bounded: BENCH_ROUNDS measured rounds (default 10) after one warm-up round.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createRegistry, Gauge, type Registry } from '@lagscale/kafka-core';
import { formatDuration, writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { limitHeapGrowth } from '../src/cli/heap-growth.js';
import { createDeriveState, derive, healthCode, type DeriveOptions, type DeriveState } from '../src/derive/index.js';
import { createLagExporter, METRIC_NAMES } from '../src/export/index.js';
import { columnGroupTopic, topicColumns, type GroupTopicView, type Snapshot } from '../src/model/index.js';
import { renderSeriesStrings } from '../test-support/string-series-text.js';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 50);
const PARTITIONS_PER_TOPIC = Number(process.env.BENCH_PARTITIONS_PER_TOPIC ?? 20);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 20);
const PARTITIONS = TOPICS * PARTITIONS_PER_TOPIC;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const BASELINE = (process.env.BENCH_BASELINE ?? (PARTITIONS * GROUPS <= 20_000 ? '1' : '0')) === '1';
const RECORDED = process.env.BENCH_SNAPSHOT;
// all (the default) or offsets: LAG_MONITOR_PARTITION_SERIES.
const PARTITION_SERIES = process.env.BENCH_PARTITION_SERIES === 'offsets' ? 'offsets' : 'all';
const SUITE = (PARTITIONS === 1_000 && GROUPS === 20 ? 'metrics-render' : `metrics-render-${PARTITIONS}x${GROUPS}`) + (PARTITION_SERIES === 'all' ? '' : '-offsets');
const INTERVAL_MS = 5_000;
const T0 = 1_700_000_000_000;
const deriveOptions: DeriveOptions = { windowMs: 60_000, historyMs: 900_000, minSamples: 3, resetPolicy: 'earliest' };

// As the CLI runs (decision 0025), so the RSS below is comparable with the process's.
limitHeapGrowth();

const recorded: Snapshot | undefined = RECORDED === undefined ? undefined : (JSON.parse(readFileSync(RECORDED, 'utf8')) as Snapshot);

/** A snapshot as the collector builds it: one set of offset columns per topic, each group-topic's commits a column. */
function asCollected(snapshot: Snapshot): Snapshot {
  const offsets = new Map(snapshot.topics.map((t) => [t.topic, topicColumns(t.partitions)]));
  const groups = snapshot.groups.map((g) => ({
    ...g,
    topics: g.topics.map((t) => {
      const columns = offsets.get(t.topic);
      if (columns === undefined) return t;
      const committed = new Map(t.partitions.map((p) => [p.partition, p.committed ?? Number.NaN]));
      return columnGroupTopic(t.topic, { offsets: columns, committed: Float64Array.from(columns.partition, (p) => committed.get(p) ?? Number.NaN) });
    }),
  }));
  return { ...snapshot, groups };
}

/** Cycle `i` of a steady load: every partition gains 500 records per cycle; groups commit 480. */
function syntheticSnapshot(i: number): Snapshot {
  return asCollected(objectSnapshot(i));
}

function objectSnapshot(i: number): Snapshot {
  const atMs = T0 + i * INTERVAL_MS;
  if (recorded !== undefined) {
    const end = (p: { end: number }) => p.end + i * 500;
    return {
      ...recorded,
      atMs,
      topics: recorded.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ ...p, end: end(p) })) })),
      groups: recorded.groups.map((g) => ({
        ...g,
        topics: g.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ ...p, end: end(p), committed: p.committed === null ? null : p.committed + i * 480 })) })),
      })),
    };
  }
  const topics: Snapshot['topics'] = Array.from({ length: TOPICS }, (_, t) => ({
    topic: `topic-${String(t).padStart(3, '0')}`,
    partitions: Array.from({ length: PARTITIONS_PER_TOPIC }, (_, p) => ({ partition: p, start: p, end: 1_000_000 + i * 500 + p })),
  }));
  const groups: Snapshot['groups'] = Array.from({ length: GROUPS }, (_, g) => ({
    groupId: `group-${String(g).padStart(2, '0')}`,
    state: 'Stable',
    members: 8,
    topics: topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((x) => ({ ...x, committed: (x.partition + g) % 50 === 0 ? null : 990_000 + i * 480 })) })),
  }));
  return { atMs, durationMs: 250, ok: true, topics, groups, errors: [] };
}

/** The common pattern, for comparison: labels().set() per series every cycle, stale keys removed. */
function baselineExporter(reg: Registry) {
  const gauge = (name: string, labelNames: string[]) => new Gauge({ name, help: name, labelNames, registers: [reg] });
  const gtp = ['consumergroup', 'topic', 'partition'];
  const gt = ['consumergroup', 'topic'];
  const tp = ['topic', 'partition'];
  const g = {
    lag: gauge(METRIC_NAMES.consumerGroupLag, gtp),
    offset: gauge(METRIC_NAMES.consumerGroupCurrentOffset, gtp),
    timeLag: gauge(METRIC_NAMES.partitionTimeLag, gtp),
    consumption: gauge(METRIC_NAMES.partitionConsumptionRate, gtp),
    health: gauge(METRIC_NAMES.partitionHealth, gtp),
    production: gauge(METRIC_NAMES.partitionProductionRate, tp),
    end: gauge(METRIC_NAMES.topicPartitionCurrentOffset, tp),
    start: gauge(METRIC_NAMES.topicPartitionOldestOffset, tp),
    lagSum: gauge(METRIC_NAMES.consumerGroupLagSum, gt),
    drain: gauge(METRIC_NAMES.timeToDrain, gt),
  };
  let previous = new Set<string>();
  return (s: Snapshot, vs: readonly GroupTopicView[]) => {
    const seen = new Set<string>();
    for (const t of s.topics) {
      for (const p of t.partitions) {
        g.end.labels(t.topic, String(p.partition)).set(p.end);
        g.start.labels(t.topic, String(p.partition)).set(p.start);
      }
    }
    for (const v of vs) {
      g.lagSum.labels(v.groupId, v.topic).set(v.totalLag);
      g.drain.labels(v.groupId, v.topic).set(v.timeToDrainSeconds ?? Number.POSITIVE_INFINITY);
      for (const p of v.partitions) {
        const partition = String(p.partition);
        seen.add(`${v.groupId}\u0000${v.topic}\u0000${partition}`);
        g.lag.labels(v.groupId, v.topic, partition).set(p.lag);
        if (p.committed !== null) g.offset.labels(v.groupId, v.topic, partition).set(p.committed);
        g.timeLag.labels(v.groupId, v.topic, partition).set(p.timeLagSeconds);
        g.consumption.labels(v.groupId, v.topic, partition).set(p.consumptionRate);
        g.health.labels(v.groupId, v.topic, partition).set(healthCode(p.health));
        g.production.labels(v.topic, partition).set(p.productionRate);
      }
    }
    for (const key of previous) {
      if (seen.has(key)) continue;
      const [group, topic, partition] = key.split('\u0000') as [string, string, string];
      for (const gauge of [g.lag, g.offset, g.timeLag, g.consumption, g.health]) gauge.remove(group, topic, partition);
    }
    previous = seen;
  };
}

// Warm the derive state with a window and a half of cycles, so histories are at their usual size.
let state: DeriveState = createDeriveState();
let views: GroupTopicView[] = [];
let cycle = 0;
for (; cycle < 18; cycle += 1) ({ state, views } = derive(state, syntheticSnapshot(cycle), deriveOptions));
let snapshot = syntheticSnapshot(cycle);
const groupPartitions = views.reduce((n, v) => n + v.partitionCount, 0);

const registry = createRegistry({ app: 'lag-monitor', defaultMetrics: false });
const exporter = createLagExporter(registry, { defaultLabels: { app: 'lag-monitor' }, partitionSeries: PARTITION_SERIES });

let bodyBytes = 0;
let bodySeries = 0;
/**
 * A scrape as /metrics streams it: every chunk produced as the Buffer the socket is given (a
 * string chunk is encoded, as the stream does), measured, and let go.
 */
async function scrape(): Promise<void> {
  let bytes = 0;
  for await (const chunk of exporter.chunks()) bytes += (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk).length;
  bodyBytes = bytes;
}
/** The same scrape rendered the way decision 0025 did (a string per series, string chunks, then encoded): the baseline for the Buffer writer. */
async function scrapeAsStrings(): Promise<void> {
  let bytes = Buffer.from(await registry.metrics(), 'utf8').length;
  for (const chunk of renderSeriesStrings({ snapshot, views }, { app: 'lag-monitor' }, PARTITION_SERIES)) bytes += Buffer.from(chunk, 'utf8').length;
  if (bytes !== bodyBytes) throw new Error(`the string renderer wrote ${bytes} bytes, the Buffer writer ${bodyBytes}`);
}
/** Series in one scrape (outside the timed runs). */
async function countSeries(): Promise<number> {
  let series = 0;
  for await (const chunk of exporter.chunks()) for (const line of String(chunk).split('\n')) if (line !== '' && !line.startsWith('#')) series += 1;
  return series;
}

interface Task {
  name: string;
  paid: string;
  /** Untimed, before each run. */
  prepare?: () => void;
  run: () => unknown;
}
interface Sample {
  wallMs: number;
  cpuMs: number;
}
const shape = `${GROUPS} groups × ${PARTITIONS.toLocaleString('en-US')} partitions`;
let peakRssMb = 0;
const sampleRss = () => {
  peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 1024 / 1024);
};

async function measure(tasks: Task[]): Promise<Sample[][]> {
  const times = tasks.map(() => [] as Sample[]);
  for (let round = -1; round < ROUNDS; round += 1) {
    for (const [i, task] of tasks.entries()) {
      task.prepare?.();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await task.run();
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      sampleRss();
      if (round >= 0) times[i]?.push({ wallMs, cpuMs: (used.user + used.system) / 1000 });
    }
  }
  return times;
}

const ours: Task[] = [
  // derive() updates its state in place: each run is the next cycle, on a snapshot built untimed.
  {
    name: `derive(), ${shape}`,
    paid: 'every cycle',
    prepare: () => {
      cycle += 1;
      snapshot = syntheticSnapshot(cycle);
    },
    run: () => {
      ({ state, views } = derive(state, snapshot, deriveOptions));
    },
  },
  { name: 'update(), ours', paid: 'every cycle', run: () => exporter.update({ snapshot, views }) },
  { name: 'scrape (registry + rendered series, streamed), ours', paid: 'every scrape', run: scrape },
  { name: 'scrape, series as strings then encoded (decision 0025)', paid: 'every scrape', run: scrapeAsStrings },
];
sampleRss();
const oursTimes = await measure(ours);
bodySeries = await countSeries();
const oursRssMb = peakRssMb;
const oursMaxRssMb = process.resourceUsage().maxRSS / 1024;

let baselineTasks: Task[] = [];
let baselineTimes: Sample[][] = [];
let baselineSeries = 0;
if (BASELINE) {
  const baselineRegistry = createRegistry({ app: 'lag-monitor', defaultMetrics: false });
  const baselineUpdate = baselineExporter(baselineRegistry);
  let baselineBody = '';
  baselineTasks = [
    { name: 'baseline: labels().set() per series', paid: 'every cycle', run: () => baselineUpdate(snapshot, views) },
    {
      name: 'baseline: render',
      paid: 'every scrape',
      run: async () => {
        baselineBody = await baselineRegistry.metrics();
      },
    },
  ];
  baselineTimes = await measure(baselineTasks);
  baselineSeries = baselineBody.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
}

const stats = (samples: Sample[]) => {
  const wall = samples.map((s) => s.wallMs).sort((a, b) => a - b);
  const cpu = samples.map((s) => s.cpuMs).sort((a, b) => a - b);
  return { meanMs: wall.reduce((a, b) => a + b, 0) / wall.length, medianMs: wall[Math.floor(wall.length / 2)] ?? 0, maxMs: wall.at(-1) ?? 0, cpuMedianMs: cpu[Math.floor(cpu.length / 2)] ?? 0 };
};
const load = loadavg().map((l) => l.toFixed(1)).join(' ');
const rows: BenchRow[] = [...ours, ...baselineTasks].map((task, i) => {
  const m = stats((i < ours.length ? oursTimes[i] : baselineTimes[i - ours.length]) ?? []);
  const series = task.name.startsWith('baseline') ? baselineSeries : task.name.startsWith('scrape') ? bodySeries : '';
  return {
    name: task.name,
    opsPerSec: 1000 / m.meanMs,
    meanMs: m.meanMs,
    p99Ms: m.maxMs,
    extra: { median: formatDuration(m.medianMs), 'median CPU': formatDuration(m.cpuMedianMs), paid: task.paid, series },
  };
});
const megabytes = bodyBytes / 1024 / 1024;
console.log(`/metrics body: ${bodySeries.toLocaleString('en-US')} series, ${megabytes.toFixed(1)} MB; peak RSS ${oursRssMb.toFixed(0)} MB (maxRSS ${oursMaxRssMb.toFixed(0)} MB); load ${load}`);
await writeBenchReport(SUITE, rows, {
  notes:
    `lag-monitor /metrics for ${shape}, partition series ${PARTITION_SERIES} (${TOPICS} topics × ${PARTITIONS_PER_TOPIC} partitions, every group on every topic: ${groupPartitions.toLocaleString('en-US')} group-partitions; ` +
    `${recorded === undefined ? 'synthetic snapshots' : 'a snapshot recorded from the real broker by collection.bench.ts, its offsets advanced per cycle'}; 18 warm-up cycles, then each measured derive() is the next cycle, on a snapshot built untimed): ` +
    `${bodySeries.toLocaleString('en-US')} series, ${megabytes.toFixed(1)} MB of text per scrape. ${ROUNDS} rounds, tasks interleaved; mean and median per call, the p99 column is the slowest run; CPU is this process's user + system time. ` +
    `Peak RSS of the process while measuring ours (derive state after 18+ cycles, the views, the snapshot, the exporter, a scrape; V8's heap growth limited as the CLI does; this bench also holds its fixtures: ${recorded === undefined ? 'the synthetic snapshots it builds' : 'the recorded snapshot and the one it derives from each cycle'}): ${oursRssMb.toFixed(0)} MB (goal < 300 MB at 5,000 × 50; the CLI's own is in lag-monitor-memory-*.md). ` +
    'Ours: update() records the cycle and moves the small collection series; a scrape renders the registry (prom-client) and then the broker-derived series written as bytes straight from the views into Buffers of about 60 KB that /metrics streams as they are (nothing per series is kept); the decision-0025 row renders the same body as a string per series, joined into string chunks, then encoded as the stream did (the bytes must match). ' +
    (BASELINE
      ? `Baseline (measured after ours): labels(...).set() for every series every cycle with stale-key bookkeeping over the 10 largest families, then prom-client's render (${baselineSeries.toLocaleString('en-US')} series). `
      : 'No prom-client baseline at this size. ') +
    `Load average at the end: ${load} (2 cores, shared).`,
});
