// What a chaos run leaves in load/results: `chaos.json` (the latest run: every row, the plan, the
// bound's inputs, the machine and its load) and `chaos.md` (what the columns mean, the latest
// table, and one history row per run so runs compare across commits).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { defaultResultsDir, machineInfo } from '../../tools/bench/report.ts';
import { formatChaosTable, HISTORY_HEADER, historyRow, rowPassed, type ChaosRow } from './chaos-table.ts';
import { chaosBoundSettings } from './chaos-settings.ts';
import { perReplicaBound } from './duplicate-bound.ts';
import type { ChaosPlan } from './fault-plan.ts';
import { FAULT_DESCRIPTIONS, faultsOf } from './fault-plan.ts';

export const CHAOS_RESULTS_NAME = 'chaos';

export function chaosNotes(plan: ChaosPlan): string {
  const s = chaosBoundSettings;
  return [
    `The pipeline producer-gen \`run\` (${plan.rate} records/s per phase, idempotent, acks=all) → ${plan.partitions}-partition topic → consumer-worker replicas started by lag-monitor's local actuator → output topic, on a broker of the run's own. Faults:`,
    '',
    ...faultsOf(plan).map((kind) => `- **${kind}**: ${FAULT_DESCRIPTIONS[kind]}`),
    '',
    '**records**: what producer-gen acknowledged in the phase (its own producer id). **lost**: acknowledged records the sequence verifier (`producer-gen verify`) did not read back, on the input / the output topic; must be 0.',
    '',
    `**duplicates**: output records read more than once (at-least-once redelivery). **bound**: replicas touched × what one replica can hand over uncommitted = maxUncommittedRecords + 1 + 2 commit intervals at its highest throughput = ${s.maxUncommittedRecords} + 1 + 2 × ${s.commitIntervalMs} ms × ${s.threads} threads × 1000 / ${s.handlerWaitMs} ms = ${perReplicaBound(s)}. A fault touches every member (broker, lag-monitor) or one (a replica, a thread); each change of the member count between samples adds |change| × the larger count (one rebalance per member that joins or leaves, each handing over every member's work).`,
    '',
    '**recovery**: from the fault\'s injection until the group has committed every record the input held when the fault was over (broker back, storm gone, handler fast again) and, on every partition that received records since, some of those too, with its lag at most one second of input; sampled every 0.5 s. `none` injects nothing (0).',
  ].join('\n');
}

export async function writeChaosReport(plan: ChaosPlan, rows: readonly ChaosRow[], durationMs: number, resultsDir = defaultResultsDir): Promise<{ jsonPath: string; markdownPath: string }> {
  await mkdir(resultsDir, { recursive: true });
  const machine = machineInfo();
  const loadAverage = os.loadavg();
  const createdAt = new Date().toISOString();
  const jsonPath = join(resultsDir, `${CHAOS_RESULTS_NAME}.json`);
  const markdownPath = join(resultsDir, `${CHAOS_RESULTS_NAME}.md`);
  const passed = rows.every(rowPassed);
  await writeFile(jsonPath, `${JSON.stringify({ suite: CHAOS_RESULTS_NAME, createdAt, machine, loadAverage, durationMs, passed, plan, boundSettings: chaosBoundSettings, perReplicaBound: perReplicaBound(chaosBoundSettings), rows }, null, 2)}\n`);

  const history = existsSync(markdownPath) ? extractHistory(await readFile(markdownPath, 'utf8')) : [];
  history.push(
    historyRow({
      date: createdAt.slice(0, 16).replace('T', ' '),
      commit: `${machine.gitSha ?? 'unknown'}${machine.gitDirty ? ' (dirty)' : ''}`,
      machine: `${machine.cpuModel.split(' ').slice(0, 2).join(' ')} × ${machine.cores}, Node ${machine.node}`,
      loadAverage,
      rows,
    }),
  );
  const markdown = [
    '# chaos',
    '',
    chaosNotes(plan),
    '',
    `## Latest run (${createdAt}, ${(durationMs / 60_000).toFixed(1)} min, load average ${loadAverage.map((l) => l.toFixed(1)).join(' ')})`,
    '',
    formatChaosTable(rows),
    '',
    '## Runs',
    '',
    HISTORY_HEADER,
    ...history,
    '',
  ].join('\n');
  await writeFile(markdownPath, markdown);
  return { jsonPath, markdownPath };
}

function extractHistory(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf('## Runs');
  if (start < 0) return [];
  return lines.slice(start + 1).filter((line) => line.startsWith('| 2'));
}
