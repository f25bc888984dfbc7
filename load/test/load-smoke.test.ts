// A short run of every scenario through `npm run load`'s CLI, as a user runs it: a few seconds at
// a low rate against the test broker, with its own results folder. Each must pass its thresholds
// and leave a JSON report, a markdown row and two SVG charts; an impossible threshold must fail
// the run with exit code 1 and name the threshold.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureVegeta } from '../vegeta/vegeta-install.ts';
import { repoRoot } from '../runner/stack/app-process.ts';
import type { MachineInfo } from '../../tools/bench/report.ts';
import type { RunResult } from '../runner/run-scenario.ts';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runLoad(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', join(repoRoot, 'load/runner/cli/main.ts'), ...args], {
      cwd: repoRoot,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Seconds at low rates; warm-ups short but present, so the warm-up path runs too. The smoke shows
// the mechanics, not the speed (that is the benchmark's job): on a busy 2-core machine a request
// can take a second, so latency bounds are loose here.
const LOOSE = ['--threshold', 'p95_ms<3000', '--threshold', 'p99_ms<8000'];
const SMOKE: Record<string, string[]> = {
  'ingest-constant': ['--rate', '20', '--warmup', '1s', '--duration', '3s', ...LOOSE],
  'ingest-find-max': ['--rate', '10', '--step-rate', '10', '--max-rate', '20', '--warmup', '1s', '--settle', '1s', '--duration', '2s', '--no-baselines', ...LOOSE],
  'pipeline-e2e': ['--rate', '10', '--warmup', '2s', '--duration', '3s', '--threshold', 'e2e_p95_ms<60000', ...LOOSE],
  burst: ['--rate', '4', '--batch', '50', '--peak-rate', '30', '--spike', '4s', '--warmup', '1s', '--duration', '2s', '--max-replicas', '2', '--recovery', '60s', '--threshold', 'time_to_scale_s<90'],
};

describe('npm run load smoke runs', () => {
  let resultsDir: string;

  beforeAll(async () => {
    resultsDir = await mkdtemp(join(tmpdir(), 'lagscale-load-'));
    // cold, this builds vegeta from the Go module proxy (minutes on a busy machine); then cached
    await ensureVegeta();
  }, 900_000);

  afterAll(async () => {
    await rm(resultsDir, { recursive: true, force: true });
  });

  it.each(Object.keys(SMOKE))('%s passes its thresholds and writes its report', async (scenario) => {
    const run = await runLoad([scenario, ...(SMOKE[scenario] ?? []), '--results-dir', resultsDir]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(`${scenario}: PASSED`);

    const report = JSON.parse(await readFile(join(resultsDir, `load-${scenario}.json`), 'utf8')) as RunResult & { machine: MachineInfo; charts: { throughput: string; latency: string } };
    expect(report.passed).toBe(true);
    expect(report.thresholds.length).toBeGreaterThan(0);
    expect(report.stages[0]?.phase).toBe('warmup');
    expect(report.stages[0]?.sent).toBeGreaterThan(0);
    expect(report.seconds.some((s) => s.ackedRecords > 0)).toBe(true);
    for (const chart of [report.charts.throughput, report.charts.latency]) {
      const svg = await readFile(join(resultsDir, chart), 'utf8');
      expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
    const markdown = await readFile(join(resultsDir, `load-${scenario}.md`), 'utf8');
    expect(markdown).toContain(`(${report.charts.throughput})`);
    expect(markdown).toContain(report.machine.gitSha ?? '—');

    switch (scenario) {
      case 'ingest-find-max':
        expect(report.findMax?.held?.rate).toBe(20);
        expect(report.figures.held_records_per_s).toBeGreaterThan(0);
        break;
      case 'pipeline-e2e':
        expect(report.e2e?.paired).toBeGreaterThan(0);
        expect(report.e2e?.missing).toBe(0);
        expect(report.e2e?.latency.p95Ms).toBeGreaterThan(0);
        expect(report.monitor.length).toBeGreaterThan(0);
        break;
      case 'burst':
        expect(report.burst?.neededReplicas).toBe(2);
        expect(report.burst?.peakReplicas).toBe(2);
        expect(report.burst?.timeToScaleS).toBeGreaterThan(0);
        expect(report.burst?.timeToDrainS).toBeGreaterThanOrEqual(0);
        break;
      default:
        expect(report.measured?.ok).toBe(report.measured?.sent);
    }
  }, 240_000);

  it('an impossible threshold fails the run and names the threshold', async () => {
    const run = await runLoad(['ingest-constant', '--rate', '10', '--warmup', '0', '--duration', '2s', '--threshold', 'p95_ms<0.001', '--results-dir', resultsDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/threshold failed: p95_ms<0\.001 \(was [\d.,]+\)/);
    expect(run.stdout).toContain('ingest-constant: FAILED');
    expect(existsSync(join(resultsDir, 'load-ingest-constant.json'))).toBe(true);
  }, 240_000);

  it('a bad option exits 2 with a message naming it, before starting anything', async () => {
    const run = await runLoad(['ingest-constant', '--threshold', 'p95<50', '--results-dir', resultsDir]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/threshold "p95<50" names an unknown metric "p95"/);
    const unknown = await runLoad(['no-such-scenario', '--results-dir', resultsDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario "no-such-scenario"');
  }, 60_000);
});
