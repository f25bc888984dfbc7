import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One measured task. Latencies in milliseconds; `extra` holds suite-specific columns. */
export interface BenchRow {
  name: string;
  opsPerSec: number;
  meanMs: number;
  p99Ms?: number | undefined;
  mbPerSec?: number | undefined;
  extra?: Readonly<Record<string, string | number>> | undefined;
}

export interface MachineInfo {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  totalMemoryGb: number;
  /** null when not in a git checkout or before the first commit */
  gitSha: string | null;
  gitDirty: boolean | null;
}

export interface BenchReport {
  suite: string;
  createdAt: string;
  machine: MachineInfo;
  rows: BenchRow[];
}

export interface ReportOptions {
  /** Where `<suite>.json` and `<suite>.md` go; defaults to `<repo>/load/results`. */
  resultsDir?: string;
  /** Written under the table in the markdown file (what was measured, how to read it). */
  notes?: string;
  /** Don't print the table (tests). */
  quiet?: boolean;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultResultsDir = path.join(repoRoot, 'load', 'results');

// The suite name becomes a file name: keep it to a plain kebab-case word.
const suitePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Prints a benchmark table to stdout and writes `<suite>.json` (rows + machine info) and
 * `<suite>.md` (the same table) to the results directory.
 */
export async function writeBenchReport(
  suite: string,
  rows: readonly BenchRow[],
  options: ReportOptions = {},
): Promise<{ jsonPath: string; markdownPath: string; report: BenchReport }> {
  if (!suitePattern.test(suite)) {
    throw new Error(`bench suite name must be kebab-case letters and digits (got "${suite}")`);
  }
  const report: BenchReport = {
    suite,
    createdAt: new Date().toISOString(),
    machine: machineInfo(),
    rows: [...rows],
  };
  const table = formatTable(report.rows);
  if (options.quiet !== true) console.log(`\n${suite}\n\n${table}\n`);

  const resultsDir = options.resultsDir ?? defaultResultsDir;
  await mkdir(resultsDir, { recursive: true });
  const jsonPath = path.join(resultsDir, `${suite}.json`);
  const markdownPath = path.join(resultsDir, `${suite}.md`);
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdownPath, formatMarkdown(report, options.notes));
  return { jsonPath, markdownPath, report };
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    totalMemoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    gitSha: git(['rev-parse', '--short=12', 'HEAD']) || null,
    gitDirty: dirty(),
  };
}

/** A markdown table: readable in a terminal and renderable as is. */
export function formatTable(rows: readonly BenchRow[]): string {
  const extraColumns = [...new Set(rows.flatMap((row) => Object.keys(row.extra ?? {})))];
  const header = ['task', 'ops/s', 'mean', 'p99', 'MB/s', ...extraColumns];
  const body = rows.map((row) => [
    row.name,
    formatNumber(row.opsPerSec, 0),
    formatDuration(row.meanMs),
    row.p99Ms === undefined ? '' : formatDuration(row.p99Ms),
    row.mbPerSec === undefined ? '' : formatNumber(row.mbPerSec, row.mbPerSec < 10 ? 2 : 1),
    ...extraColumns.map((column) => formatCell(row.extra?.[column])),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => (cells[i] ?? '').length)));
  // numbers right-aligned, the task name left-aligned
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

function formatMarkdown(report: BenchReport, notes: string | undefined): string {
  const m = report.machine;
  const machine = [
    `Node ${m.node}`,
    `${m.cpuModel} × ${m.cores}`,
    `${m.totalMemoryGb} GB`,
    `${m.platform}/${m.arch}`,
    m.gitSha === null ? 'no git commit' : `git ${m.gitSha}${m.gitDirty === true ? ' (dirty)' : ''}`,
  ].join(' · ');
  const sections = [`# ${report.suite}`, `${report.createdAt} · ${machine}`, formatTable(report.rows)];
  if (notes !== undefined && notes.trim() !== '') sections.push(notes.trim());
  return `${sections.join('\n\n')}\n`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return `${formatNumber(ms / 1000, 2)} s`;
  if (ms >= 1) return `${formatNumber(ms, ms >= 100 ? 0 : 2)} ms`;
  const us = ms * 1000;
  if (us >= 1) return `${formatNumber(us, us >= 100 ? 0 : 2)} µs`;
  return `${formatNumber(us * 1000, 0)} ns`;
}

function formatNumber(value: number, fractionDigits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

function formatCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? formatNumber(value, 0) : formatNumber(value, 2);
}

// Benchmarks also run from tarballs and CI checkouts without history: no sha is not an error.
function git(args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim();
  } catch {
    return undefined;
  }
}

// Tracked files changed since HEAD; null when there is no commit to compare with.
function dirty(): boolean | null {
  if (!git(['rev-parse', '--verify', '--quiet', 'HEAD'])) return null;
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return status === undefined ? null : status !== '';
}
