// What a run leaves behind in the results folder: `load-<scenario>.json` (the latest run, every
// figure and series), a row appended to `load-<scenario>.md` (one row per run, so runs compare
// across commits) and two SVG charts the row links to.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machineInfo, type MachineInfo } from '../../../tools/bench/report.ts';
import { formatThreshold } from '../../scenarios/thresholds.ts';
import { formatFigure, type RunResult } from '../run-scenario.ts';
import { renderCharts } from './load-charts.ts';

export interface WrittenReport {
  jsonPath: string;
  markdownPath: string;
  charts: { throughput: string; latency: string };
}

const ms = (value: number | undefined) => (value === undefined ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);
const n = (value: number | undefined) => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));
const pct = (value: number | undefined) => (value === undefined ? '—' : `${(value * 100).toFixed(value === 0 ? 0 : 2)}%`);
const s = (value: number | undefined) => (value === undefined ? 'never' : `${value.toFixed(1)} s`);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);

/** Scenario columns of the markdown row: [header, cell]. */
export function scenarioColumns(result: RunResult): Array<[string, string]> {
  const batch = result.params.shape.batchSize;
  const m = result.measured;
  const warmup = result.stages.find((stage) => stage.phase === 'warmup');
  switch (result.scenario) {
    case 'ingest-constant':
      return [
        ['offered', `${n(result.params.rate)} req/s × ${batch}`],
        ['records/s acked', n(m?.recordsPerSecond)],
        ['p50', ms(m?.latency.p50Ms)],
        ['p95', ms(m?.latency.p95Ms)],
        ['p99', ms(m?.latency.p99Ms)],
        ['errors', pct(m?.errorRate)],
        ['dropped', pct(m?.droppedRate)],
        ['warm-up p95', ms(warmup?.latency.p95Ms)],
      ];
    case 'ingest-find-max': {
      const held = result.findMax?.held;
      const [direct, java] = result.baselines ?? [];
      return [
        ['held records/s', held === undefined ? 'none' : `${n(held.recordsPerSecond)} (${n(held.rate)} req/s × ${batch})`],
        ['p95 / p99 there', held === undefined ? '—' : `${ms(held.latency.p95Ms)} / ${ms(held.latency.p99Ms)}`],
        ['broke at', result.findMax?.broke === undefined ? 'not reached' : `${result.findMax.broke.step.label}: ${result.findMax.broke.failed.join(', ')}`],
        ['producer-gen direct', direct === undefined ? 'not run' : `${n(direct.recordsPerSecond)} rec/s`],
        ['ingest ÷ direct', ratio(held?.recordsPerSecond, direct?.recordsPerSecond)],
        ['Java ProducerPerformance', java === undefined ? 'not run' : `${n(java.recordsPerSecond)} rec/s`],
        ['ingest ÷ Java', ratio(held?.recordsPerSecond, java?.recordsPerSecond)],
        ['warm-up p95', ms(warmup?.latency.p95Ms)],
      ];
    }
    case 'pipeline-e2e': {
      const e2e = result.e2e;
      return [
        ['offered', `${n(result.params.rate * batch)} rec/s`],
        ['e2e p50', ms(e2e?.latency.p50Ms)],
        ['e2e p95', ms(e2e?.latency.p95Ms)],
        ['e2e p99', ms(e2e?.latency.p99Ms)],
        ['records paired / missing / dup', e2e === undefined ? '—' : `${n(e2e.paired)} / ${n(e2e.missing)} / ${n(e2e.duplicates)}`],
        ['ingest p95', ms(m?.latency.p95Ms)],
        ['peak lag', n(Math.max(0, ...result.monitor.map((sample) => sample.totalLag)))],
      ];
    }
    case 'burst': {
      const b = result.burst;
      return [
        ['base → spike', `${n(result.params.rate * batch)} → ${n(result.params.peakRate * batch)} rec/s for ${(result.params.spikeMs / 1000).toFixed(0)} s`],
        ['replicas needed / peak', b === undefined ? '—' : `${b.neededReplicas} / ${b.peakReplicas}`],
        ['time to scale', s(b?.timeToScaleS)],
        ['time to drain', s(b?.timeToDrainS)],
        ['peak lag', n(b?.peakLag)],
        ['ingest p95', ms(m?.latency.p95Ms)],
      ];
    }
  }
}

function machineCell(machine: MachineInfo): string {
  return `${machine.cpuModel} × ${machine.cores}, ${machine.totalMemoryGb} GB, Node ${machine.node}`;
}

function commitCell(machine: MachineInfo): string {
  return machine.gitSha === null ? '—' : `${machine.gitSha}${machine.gitDirty === true ? ' (dirty)' : ''}`;
}

/** The table header and the run's row, cells escaped for markdown. */
export function markdownRow(result: RunResult, machine: MachineInfo, charts: { throughput: string; latency: string }): { header: string; row: string } {
  const cells: Array<[string, string]> = [
    ['date', result.startedAt.slice(0, 16).replace('T', ' ')],
    ['commit', commitCell(machine)],
    ['machine', machineCell(machine)],
    ...scenarioColumns(result),
    ['thresholds', result.thresholds.map((r) => `${r.ok ? '✓' : '✗'} ${formatThreshold(r.threshold)}`).join(' · ') || 'none'],
    ['charts', `[throughput](${charts.throughput}) · [latency](${charts.latency})`],
  ];
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const header = `| ${cells.map(([title]) => escape(title)).join(' | ')} |\n|${cells.map(() => ':--').join('|')}|`;
  return { header, row: `| ${cells.map(([, cell]) => escape(cell)).join(' | ')} |` };
}

const NOTES: Record<RunResult['scenario'], string> = {
  'ingest-constant': 'Constant arrival rate (open model: vegeta sends on schedule whatever the answers) of `POST /v1/topics/:topic/records` batches. Figures after the warm-up; the warm-up p95 is shown apart.',
  'ingest-find-max':
    'Steps of constant arrival rate until one breaks a threshold; "held" is the last step that held all of them (its acknowledged records/s). The baselines run right after on the same broker, same partitions and acks: producer-gen `run` (user-events, straight to Kafka) and Kafka\'s Java ProducerPerformance (records of the same size).',
  'pipeline-e2e':
    'End-to-end latency per record: its input\'s CreateTime (stamped by the ingest when the request arrived) to its pass-through output\'s LogAppendTime (the output topic has `message.timestamp.type=LogAppendTime`), paired by the sequence headers the output keeps. Records ingested during the warm-up are left out.',
  burst:
    'Replicas needed = spike records/s ÷ per-replica throughput, within max replicas and the partition count. Time to scale: spike start until the group has that many members (lag-monitor `/status`); time to drain: spike end until the lag is at most one second of base load.',
};

export async function writeRunReport(result: RunResult, resultsDir: string): Promise<WrittenReport> {
  const machine = machineInfo();
  const chartsDir = join(resultsDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const svgs = renderCharts(result);
  const base = `load-${result.scenario}-${result.runId}`;
  const charts = { throughput: `charts/${base}-throughput.svg`, latency: `charts/${base}-latency.svg` };
  await writeFile(join(resultsDir, charts.throughput), svgs.throughput);
  await writeFile(join(resultsDir, charts.latency), svgs.latency);

  const jsonPath = join(resultsDir, `load-${result.scenario}.json`);
  await writeFile(jsonPath, `${JSON.stringify({ ...result, machine, charts }, null, 2)}\n`);

  const markdownPath = join(resultsDir, `load-${result.scenario}.md`);
  const { header, row } = markdownRow(result, machine, charts);
  let markdown = existsSync(markdownPath) ? await readFile(markdownPath, 'utf8') : `# load: ${result.scenario}\n\n${NOTES[result.scenario]}\n`;
  // a changed set of columns starts a new table under the old one
  if (!markdown.includes(header)) markdown = `${markdown.trimEnd()}\n\n${header}\n`;
  markdown = `${markdown.trimEnd()}\n${row}\n`;
  await writeFile(markdownPath, markdown);
  return { jsonPath, markdownPath, charts: { throughput: join(resultsDir, charts.throughput), latency: join(resultsDir, charts.latency) } };
}

/** The summary printed at the end of a run. */
export function formatSummary(result: RunResult): string {
  const lines = [`\n${result.scenario}: ${result.passed ? 'PASSED' : 'FAILED'} (run ${result.runId}, ${(result.durationMs / 1000).toFixed(0)} s)`];
  const width = Math.max(...scenarioColumns(result).map(([title]) => title.length));
  for (const [title, cell] of scenarioColumns(result)) lines.push(`  ${title.padEnd(width)}  ${cell}`);
  lines.push('  thresholds:');
  for (const r of result.thresholds) {
    lines.push(`    ${r.ok ? '✓' : '✗'} ${formatThreshold(r.threshold).padEnd(24)} ${formatFigure(r.actual)}`);
  }
  return lines.join('\n');
}
