// `npm run demo` is the product's first impression: run it as a user does (against the test
// broker) and check its report, and check that Ctrl-C leaves no process behind.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testBrokers, waitFor } from '@lagscale/kafka-core/testing';
import { isRunning } from './process-helpers.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function startDemo(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', join(repoRoot, 'tools/demo/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: testBrokers().join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

/** Every descendant pid of `pid` (ps is on every Linux box this runs on). */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

interface DemoReportJson {
  settled: boolean;
  produced: number;
  processed: number;
  lost: number;
  keyOrderViolations: number;
  maxReplicas: number;
  scaleEvents: Array<{ from: number; to: number }>;
}

describe('npm run demo', () => {
  it('scales up on the spike and back down, and its report shows nothing lost', async () => {
    const demo = startDemo();
    const code = await demo.exited;
    expect(code, demo.output().slice(-3_000)).toBe(0);
    const report = JSON.parse(readFileSync(join(repoRoot, 'reports/demo/report.json'), 'utf8')) as DemoReportJson;
    expect(report.settled).toBe(true);
    expect(report.produced).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.processed).toBe(report.produced);
    expect(report.keyOrderViolations).toBe(0);
    expect(report.maxReplicas).toBeGreaterThanOrEqual(2);
    expect(report.maxReplicas).toBeLessThanOrEqual(8);
    expect(report.scaleEvents.some((e) => e.to > e.from && e.from >= 1)).toBe(true);
    expect(report.scaleEvents.at(-1)?.to).toBe(1);
    expect(demo.output()).toContain('demo report');
  }, 300_000);

  it('stops everything it started on Ctrl-C', async () => {
    const demo = startDemo();
    const pid = demo.child.pid ?? 0;
    // Interrupt once the producer and at least one consumer replica run.
    const started = await waitFor(() => {
      const pids = descendants(pid);
      return demo.output().includes('lag-monitor:') && pids.length >= 2 ? pids : undefined;
    }, { timeoutMs: 90_000, description: 'the demo to start its producer and a consumer' });
    demo.child.kill('SIGINT');
    const code = await demo.exited;
    expect(code).not.toBe(0);
    expect(demo.output()).toContain('interrupted');
    await waitFor(() => started.every((p) => !isRunning(p)), { timeoutMs: 30_000, description: 'every process the demo started to exit' });
  }, 180_000);
});
