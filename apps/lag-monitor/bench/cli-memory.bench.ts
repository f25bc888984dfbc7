// The built lag-monitor CLI against a kept collection layout, as it runs in production: its own
// process (plain node, dist/), every group of the layout watched by pattern, one cycle every
// interval, /metrics scraped after each cycle. Measured from outside: the process's peak resident
// memory (VmHWM in /proc/<pid>/status, what the kernel saw at its highest), its RSS at the end,
// its CPU time per cycle, each cycle's collection time (/status), and each scrape's wall time.
// Layout first:  BENCH_LAYOUT=<name> BENCH_TOPICS=250 BENCH_GROUPS=50 … bench/collection.bench.ts
// Then, from apps/lag-monitor after a build:
//   BENCH_LAYOUT=<name> BENCH_TOPICS=250 BENCH_GROUPS=50 node --conditions=lagscale-source --import tsx bench/cli-memory.bench.ts
// BENCH_PARTITION_SERIES=offsets runs it with --partition-series offsets; BENCH_NODE_OPTIONS adds
// node flags to the monitor's process. Bounded: BENCH_CYCLES cycles (default 12), one timeout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBrokers } from '../../../tools/kafka/embedded-broker.js';
import { formatDuration, writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { METRIC_NAMES } from '../src/export/index.js';
import { UI_PATHS } from '../src/ui/index.js';

const LAYOUT = process.env.BENCH_LAYOUT;
if (LAYOUT === undefined) throw new Error('BENCH_LAYOUT must name a layout kept by collection.bench.ts (BENCH_LAYOUT=<name> there)');
const TOPICS = Number(process.env.BENCH_TOPICS ?? 50);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 20);
const PARTITIONS = TOPICS * 20;
const CYCLES = Number(process.env.BENCH_CYCLES ?? 12);
const PARTITION_SERIES = process.env.BENCH_PARTITION_SERIES === 'offsets' ? 'offsets' : 'all';
const NODE_OPTIONS = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter((o) => o !== '');
const INTERVAL_MS = 5_000;
const TIMEOUT_MS = 30_000 + CYCLES * INTERVAL_MS * 3;
const SUITE = `lag-monitor-memory${PARTITIONS === 1_000 && GROUPS === 20 ? '' : `-${PARTITIONS}x${GROUPS}`}${PARTITION_SERIES === 'all' ? '' : '-offsets'}`;
const here = path.dirname(fileURLToPath(import.meta.url));
// BENCH_CLI: another build of the CLI (e.g. a copy of dist/ from an earlier commit, beside dist/ so it resolves the same packages) for an A/B.
const cli = path.resolve(here, '..', process.env.BENCH_CLI ?? 'dist/cli/main.js');
const TICKS_PER_SECOND = 100;
const HEAD_CHARS = 64 * 1024;
const UI_HISTORY = UI_PATHS.history;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** kB fields of /proc/<pid>/status, in MB. */
function memory(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rssMb: field('VmRSS'), hwmMb: field('VmHWM') };
}

/** Resident MB of the process by kind of mapping: malloc's heap ([heap]), other anonymous memory (V8's heap, large buffers), files. */
function residentByKind(pid: number): Record<string, number> {
  const sums: Record<string, number> = {};
  let kind = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      const name = head[1] ?? '';
      kind = name === '' ? 'anonymous' : name.startsWith('/') ? 'files' : name;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) sums[kind] = (sums[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  return sums;
}

/** User + system CPU time of the process, ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const response = await fetch(url);
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One scrape by curl, its body to /dev/null as a Prometheus server would drop it once parsed:
 * wall seconds and bytes. (Piped into this process, 143 MB of it, the scrape took ~0.2 s more:
 * curl waited on the pipe while this process read it on the same 2 cores.) Then the head of the
 * body (the registry's text, where the collection histogram is) from a second request cut after
 * HEAD_CHARS: the monitor stops rendering when the socket closes.
 */
async function scrape(url: string): Promise<{ ms: number; bytes: number; head: string }> {
  const curl = spawn('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download} %{http_code}', `${url}/metrics`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of curl.stdout as AsyncIterable<Buffer>) out += chunk.toString('latin1');
  const [seconds, bytes, code] = out.trim().split(' ');
  if (code !== '200') throw new Error(`/metrics answered ${code}`);
  return { ms: Number(seconds) * 1000, bytes: Number(bytes), head: await headOf(`${url}/metrics`) };
}

/** The first HEAD_CHARS of a body; the request is cut there. */
function headOf(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(url, (response) => {
      let head = '';
      response.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (head.length >= HEAD_CHARS) {
          request.destroy();
          resolve(head);
        }
      });
      response.on('end', () => resolve(head));
      response.on('error', () => resolve(head));
    });
    request.on('error', (err) => reject(err));
  });
}

/** A sample of the registry's text (e.g. the histogram's `_sum` and `_count`). */
function sampleOf(text: string, name: string): number {
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/** /ui/history: bounded (unlike /status, which lists every partition); its last time is the last cycle. */
interface HistoryBody {
  times: number[];
  ok: boolean[];
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};

async function main(): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [...NODE_OPTIONS, cli, '--brokers', resolveBrokers().join(','), '--group-pattern', `^${LAYOUT}-g`, '--metrics-port', String(port), '--interval-ms', String(INTERVAL_MS), '--partition-series', PARTITION_SERIES, '--log-format', 'json', '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', process.env.BENCH_MONITOR_OUTPUT === '1' ? 'inherit' : 'ignore', 'inherit'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('lag-monitor did not start');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + TIMEOUT_MS;
  const collections: number[] = [];
  const scrapes: { ms: number; bytes: number }[] = [];
  const cpuPerCycle: number[] = [];
  let peakSampledMb = 0;
  let end: { rssMb: number; hwmMb: number };
  let byKind: string;
  const sampler = setInterval(() => {
    peakSampledMb = Math.max(peakSampledMb, memory(pid).rssMb);
  }, 100);
  try {
    let lastAt = 0;
    let lastSum = 0;
    let lastCount = 0;
    let lastCpu = cpuMs(pid);
    while (collections.length < CYCLES) {
      if (Date.now() > deadline) throw new Error(`lag-monitor: ${collections.length} of ${CYCLES} cycles within ${TIMEOUT_MS} ms`);
      if (child.exitCode !== null) throw new Error(`lag-monitor exited with ${child.exitCode}`);
      const history = await getJson<HistoryBody>(`${url}${UI_HISTORY}`);
      const at = history?.times.at(-1);
      if (history === undefined || at === undefined || at === lastAt) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      lastAt = at;
      if (history.ok.at(-1) !== true) throw new Error('a collection failed: is the broker up and the layout there?');
      // Between cycles: the scrape competes with nothing of the monitor's own.
      const scraped = await scrape(url);
      scrapes.push(scraped);
      // This cycle's collection time: what the duration histogram gained since the last scrape.
      const sum = sampleOf(scraped.head, `${METRIC_NAMES.collectionDuration}_sum`);
      const count = sampleOf(scraped.head, `${METRIC_NAMES.collectionDuration}_count`);
      if (count !== lastCount + 1) throw new Error(`expected one more collection, the histogram counts ${count} after ${lastCount}`);
      collections.push((sum - lastSum) * 1000);
      lastSum = sum;
      lastCount = count;
      const cpu = cpuMs(pid);
      cpuPerCycle.push(cpu - lastCpu);
      lastCpu = cpu;
      const m = memory(pid);
      console.log(`cycle ${collections.length}: collect ${Math.round(collections.at(-1) ?? 0)} ms, scrape ${Math.round(scraped.ms)} ms, RSS ${m.rssMb.toFixed(0)} MB, peak ${m.hwmMb.toFixed(0)} MB`);
    }
    end = memory(pid);
    const kinds = residentByKind(pid);
    byKind = ['[heap]', 'anonymous', 'files'].map((k) => `${k} ${Math.round(kinds[k] ?? 0)} MB`).join(', ');
  } finally {
    clearInterval(sampler);
    // Never leave the monitor running, whatever failed above.
    child.kill('SIGTERM');
    await exited;
  }
  // The first cycle includes the client's first metadata reads and the first scrape warms up.
  const warm = (values: number[]) => values.slice(1);
  const megabytes = (scrapes.at(-1)?.bytes ?? 0) / 1024 / 1024;
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  const rows: BenchRow[] = [
    {
      name: 'collection (from the duration histogram), warm cycles',
      opsPerSec: 1000 / quantile(warm(collections), 0.5),
      meanMs: warm(collections).reduce((a, b) => a + b, 0) / (collections.length - 1),
      extra: { median: formatDuration(quantile(warm(collections), 0.5)), p95: formatDuration(quantile(warm(collections), 0.95)), max: formatDuration(Math.max(...warm(collections))), samples: collections.length - 1 },
    },
    {
      name: `scrape of /metrics (curl, ${megabytes.toFixed(0)} MB)`,
      opsPerSec: 1000 / quantile(warm(scrapes.map((s) => s.ms)), 0.5),
      meanMs: warm(scrapes.map((s) => s.ms)).reduce((a, b) => a + b, 0) / (scrapes.length - 1),
      extra: {
        median: formatDuration(quantile(warm(scrapes.map((s) => s.ms)), 0.5)),
        p95: formatDuration(quantile(warm(scrapes.map((s) => s.ms)), 0.95)),
        max: formatDuration(Math.max(...warm(scrapes.map((s) => s.ms)))),
        samples: scrapes.length - 1,
      },
    },
    {
      name: 'process CPU per cycle (collect + derive + one scrape)',
      opsPerSec: 0,
      meanMs: warm(cpuPerCycle).reduce((a, b) => a + b, 0) / (cpuPerCycle.length - 1),
      extra: { median: formatDuration(quantile(warm(cpuPerCycle), 0.5)), p95: formatDuration(quantile(warm(cpuPerCycle), 0.95)), max: formatDuration(Math.max(...warm(cpuPerCycle))), samples: cpuPerCycle.length - 1 },
    },
  ];
  console.log(`peak RSS (VmHWM) ${end.hwmMb.toFixed(0)} MB, RSS at the end ${end.rssMb.toFixed(0)} MB (${byKind}), highest sampled ${peakSampledMb.toFixed(0)} MB; load ${load}`);
  await writeBenchReport(SUITE, rows, {
    notes:
      `The built lag-monitor CLI (node ${NODE_OPTIONS.join(' ')}${NODE_OPTIONS.length > 0 ? ' ' : ''}${path.relative(path.resolve(here, '..'), cli)}, --partition-series ${PARTITION_SERIES}, --interval-ms ${INTERVAL_MS}) watching ${GROUPS} groups × ${TOPICS} topics × 20 partitions ` +
      `(${(GROUPS * PARTITIONS).toLocaleString('en-US')} group-partitions, the layout collection.bench.ts keeps with BENCH_LAYOUT) on the embedded broker of the same 2-core machine; ` +
      `${CYCLES} cycles, /metrics read by curl after each (${megabytes.toFixed(1)} MB, the body to /dev/null; then its first ${HEAD_CHARS / 1024} KB by a second request, cut there, for the collection histogram). ` +
      `**Peak RSS of the lag-monitor process (VmHWM): ${end.hwmMb.toFixed(0)} MB**; RSS at the end ${end.rssMb.toFixed(0)} MB (${byKind}; goal < 300 MB at 5,000 × 50). ` +
      `Collection and scrape times leave out the first cycle and scrape; CPU is the process's user + system time between two cycles (one collection, one derive, one scrape and the cut one). ` +
      `Load average at the end: ${load} (2 cores, shared).`,
  });
}

await main();
