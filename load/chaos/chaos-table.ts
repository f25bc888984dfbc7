// The chaos run's result, one row per phase: what the verifier found on the input and the output
// topics, against the duplicate bound, and how long the pipeline took to be steady again.
import type { DuplicateBound } from './duplicate-bound.ts';

export interface ChaosRow {
  /** Phase name: a fault, `together` or `none`. */
  phase: string;
  faults: string[];
  /** Records producer-gen had acknowledged in this phase (the verifier's expected count). */
  records: number;
  /** Gaps plus shortfall per topic: records acknowledged and not read back. */
  lostInput: number;
  lostOutput: number;
  /** Output records read more than once; the input's (idempotent producer) apart. */
  duplicatesOutput: number;
  duplicatesInput: number;
  bound: DuplicateBound;
  /** Undefined: never steady again within the phase's deadline. */
  recoveryMs: number | undefined;
  keyOrderViolations: number;
  /** What did not go as planned: a fault that failed to inject (`<fault> failed: …`), a storm short of its peak. */
  notes: string[];
}

/** A row passes with nothing lost, duplicates within the bound, steady again, and every fault injected. */
export function rowPassed(row: ChaosRow): boolean {
  return !row.notes.some((note) => / failed: /.test(note)) && row.lostInput === 0 && row.lostOutput === 0 && row.duplicatesInput === 0 && row.duplicatesOutput <= row.bound.bound && row.recoveryMs !== undefined;
}

const n = (value: number) => value.toLocaleString('en-US');
const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1_000).toFixed(1)} s`);

export const CHAOS_COLUMNS = ['fault', 'records', 'lost (in / out)', 'duplicates (out)', 'bound', 'recovery', 'ok'] as const;

export function rowCells(row: ChaosRow): string[] {
  return [
    row.phase === 'together' ? `together (${row.faults.length} faults)` : row.phase,
    n(row.records),
    `${n(row.lostInput)} / ${n(row.lostOutput)}`,
    n(row.duplicatesOutput) + (row.duplicatesInput > 0 ? ` (input ${n(row.duplicatesInput)})` : ''),
    `${n(row.bound.bound)} (${n(row.bound.replicasTouched)} × ${n(row.bound.perReplica)})`,
    seconds(row.recoveryMs),
    rowPassed(row) ? '✓' : '✗',
  ];
}

/** A markdown table, aligned so it also reads in a terminal; each row's notes follow it. */
export function formatChaosTable(rows: readonly ChaosRow[]): string {
  const lines = [[...CHAOS_COLUMNS], ...rows.map(rowCells)];
  const widths = CHAOS_COLUMNS.map((_, i) => Math.max(...lines.map((cells) => (cells[i] ?? '').length)));
  const render = (cells: readonly string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const notes = rows.flatMap((row) => row.notes.map((note) => `- ${row.phase}: ${note}`));
  return [render(lines[0] ?? []), rule, ...lines.slice(1).map(render), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/** One line for the results file's history: a run's summary, so runs compare across commits. */
export function historyRow(run: { date: string; commit: string; machine: string; loadAverage: number[]; rows: readonly ChaosRow[] }): string {
  const lost = run.rows.reduce((sum, r) => sum + r.lostInput + r.lostOutput, 0);
  const duplicates = run.rows.reduce((sum, r) => sum + r.duplicatesOutput, 0);
  const records = run.rows.reduce((sum, r) => sum + r.records, 0);
  const worst = run.rows.reduce<number | undefined>((max, r) => (r.recoveryMs === undefined || max === undefined ? undefined : Math.max(max, r.recoveryMs)), 0);
  const passed = run.rows.filter(rowPassed).length;
  return `| ${run.date} | ${run.commit} | ${run.machine} | ${run.loadAverage.map((l) => l.toFixed(1)).join(' ')} | ${n(records)} | ${n(lost)} | ${n(duplicates)} | ${seconds(worst)} | ${passed}/${run.rows.length} |`;
}

export const HISTORY_HEADER = ['| date | commit | machine | load average | records | lost | duplicates | slowest recovery | phases ok |', '|:--|:--|:--|:--|--:|--:|--:|--:|--:|'].join('\n');
