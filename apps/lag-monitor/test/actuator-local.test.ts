import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@lagscale/kafka-core';
import { waitFor } from '@lagscale/kafka-core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consumerWorkerBuildIsFresh, consumerWorkerCommand, createLocalActuator, type LocalActuatorOptions, type LocalReplicaEvent } from '../src/actuators/index.js';
import { isRunning } from './process-helpers.js';

const replicaScript = fileURLToPath(new URL('./fixtures/replica.mjs', import.meta.url));
const parentScript = fileURLToPath(new URL('./fixtures/local-actuator-parent.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface ReadyRecord {
  index: number;
  pid: number;
  argv: string[];
  cwd: string;
  extra?: string;
  inherited?: string;
  supervisor?: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lag-monitor-local-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A local actuator running the replica fixture, its events, and where the replicas report. */
function replicas(overrides: Partial<LocalActuatorOptions> & { extraEnv?: (index: number) => Record<string, string> } = {}) {
  const dir = tempDir();
  const events: LocalReplicaEvent[] = [];
  const { extraEnv, ...rest } = overrides;
  const actuator = createLocalActuator({
    command: process.execPath,
    args: [replicaScript],
    env: (index) => ({ REPLICA_INDEX: String(index), REPLICA_OUT_DIR: dir, ...extraEnv?.(index) }),
    stopTimeoutMs: 10_000,
    onEvent: (event) => events.push(event),
    ...rest,
  });
  cleanups.push(async () => {
    await actuator.stop();
    for (const event of events) if (isRunning(event.pid)) process.kill(event.pid, 'SIGKILL');
  });
  const pidOf = (index: number) => events.filter((e) => e.type === 'started' && e.index === index).at(-1)?.pid ?? -1;
  /** Resolves once the replica's SIGTERM handler is installed (before that a SIGTERM kills it outright). */
  const ready = (pid: number) =>
    waitFor(() => existsSync(join(dir, `ready-${pid}.json`)) && (JSON.parse(readFileSync(join(dir, `ready-${pid}.json`), 'utf8')) as ReadyRecord), {
      timeoutMs: 20_000,
      intervalMs: 20,
      description: `replica pid ${pid} ready`,
    });
  return { actuator, events, dir, pidOf, ready };
}

describe('local actuator', () => {
  it('scales 0 → 3 → 1 → 0: starts indexes 0..n-1, stops the highest first, leaves nothing running', async () => {
    const { actuator, events, pidOf, ready } = replicas();
    expect(actuator.kind).toBe('local');
    expect(await actuator.current()).toBe(0);

    await actuator.scale(3);
    expect(await actuator.current()).toBe(3);
    const pids = [0, 1, 2].map(pidOf);
    expect(events.map((e) => [e.type, e.index])).toEqual([
      ['started', 0],
      ['started', 1],
      ['started', 2],
    ]);
    expect(new Set(pids).size).toBe(3);
    expect(pids.every(isRunning)).toBe(true);
    await Promise.all(pids.map(ready));

    await actuator.scale(1);
    // scale() resolves once the stopped replicas have exited.
    expect(await actuator.current()).toBe(1);
    expect(isRunning(pids[0] ?? -1)).toBe(true);
    expect([pids[1], pids[2]].some((pid) => isRunning(pid ?? -1))).toBe(false);
    expect(events.slice(3).map((e) => [e.type, e.index, e.code]).sort()).toEqual([
      ['stopped', 1, 0],
      ['stopped', 2, 0],
    ]);

    await actuator.scale(0);
    expect(await actuator.current()).toBe(0);
    expect(pids.some(isRunning)).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'stopped', index: 0, pid: pids[0], code: 0 });
  });

  it("gives each replica its env over this process's env, the args and the cwd, and this process's pid as its supervisor", async () => {
    vi.stubEnv('LAG_MONITOR_TEST_INHERITED', 'from-parent');
    vi.stubEnv('LAGSCALE_SUPERVISOR_PID', '1');
    const cwd = tempDir();
    const { actuator, pidOf, ready } = replicas({ args: [replicaScript, '--flag', 'value'], cwd, extraEnv: (index) => ({ REPLICA_EXTRA: `metrics-port-${9_100 + index}` }) });

    await actuator.scale(2);
    const records = await Promise.all([0, 1].map((index) => ready(pidOf(index))));
    const supervisor = String(process.pid);
    expect(records.map((r) => ({ index: r.index, extra: r.extra, inherited: r.inherited, argv: r.argv, cwd: r.cwd, supervisor: r.supervisor }))).toEqual([
      { index: 0, extra: 'metrics-port-9100', inherited: 'from-parent', argv: ['--flag', 'value'], cwd, supervisor },
      { index: 1, extra: 'metrics-port-9101', inherited: 'from-parent', argv: ['--flag', 'value'], cwd, supervisor },
    ]);
  });

  it('SIGKILLs a replica that ignores SIGTERM once stopTimeoutMs has passed', async () => {
    const { actuator, events, dir, pidOf, ready } = replicas({ stopTimeoutMs: 300, extraEnv: () => ({ REPLICA_ON_SIGTERM: 'ignore' }) });
    await actuator.scale(1);
    const pid = pidOf(0);
    await ready(pid);

    await actuator.scale(0);
    expect(existsSync(join(dir, `term-${pid}`))).toBe(true);
    expect(isRunning(pid)).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'killed', index: 0, pid, signal: 'SIGKILL' });
    expect(await actuator.current()).toBe(0);
  });

  it('notices replicas that exit on their own, and starts them again on the next scale()', async () => {
    const { actuator, events, pidOf, ready } = replicas({ extraEnv: (index): Record<string, string> => (index === 2 ? { REPLICA_EXIT_CODE: '3' } : {}) });
    await actuator.scale(3);
    await waitFor(() => events.some((e) => e.type === 'exited' && e.index === 2), { timeoutMs: 20_000, intervalMs: 20, description: 'replica 2 crashing' });
    expect(events.find((e) => e.type === 'exited')).toMatchObject({ index: 2, code: 3, signal: null });

    // Killed from outside, as the OOM killer would.
    const killedPid = pidOf(1);
    await ready(killedPid);
    process.kill(killedPid, 'SIGKILL');
    await waitFor(() => events.some((e) => e.type === 'exited' && e.index === 1), { timeoutMs: 20_000, intervalMs: 20, description: 'replica 1 exit noticed' });
    expect(events.filter((e) => e.type === 'exited').at(-1)).toMatchObject({ index: 1, pid: killedPid, code: null, signal: 'SIGKILL' });
    expect(await actuator.current()).toBe(1);

    await actuator.scale(2);
    expect(await actuator.current()).toBe(2);
    const restarted = pidOf(1);
    expect(restarted).not.toBe(killedPid);
    expect(isRunning(restarted)).toBe(true);
    expect(events.filter((e) => e.type === 'started' && e.index === 2)).toHaveLength(1);
  });

  it('serialises overlapping scale() calls in the order they were made', async () => {
    const { actuator, events, pidOf } = replicas();
    await Promise.all([actuator.scale(3), actuator.scale(1), actuator.scale(2)]);
    expect(await actuator.current()).toBe(2);
    expect([0, 1].map(pidOf).every(isRunning)).toBe(true);
    expect(events.filter((e) => e.type !== 'started').map((e) => e.index).sort()).toEqual([1, 2]);
    const stoppedOne = events.findIndex((e) => e.type !== 'started' && e.index === 1);
    const restartedOne = events.findLastIndex((e) => e.type === 'started' && e.index === 1);
    expect(restartedOne).toBeGreaterThan(stoppedOne);
  });

  it('stop() stops every replica, shares one promise, and refuses scale() afterwards', async () => {
    const { actuator, pidOf, ready } = replicas();
    await actuator.scale(2);
    const pids = [0, 1].map(pidOf);
    await Promise.all(pids.map(ready));

    const first = actuator.stop();
    expect(actuator.stop()).toBe(first);
    await first;
    await actuator.stop();
    expect(pids.some(isRunning)).toBe(false);
    expect(await actuator.current()).toBe(0);
    const refused = actuator.scale(1);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'SHUTTING_DOWN', message: 'local actuator is stopped: not scaling to 1' });
  });

  it("writes each replica's stdout and stderr to <logDir>/replica-<n>.log", async () => {
    const logDir = join(tempDir(), 'logs');
    const { actuator, pidOf, ready } = replicas({ logDir });
    await actuator.scale(2);
    await Promise.all([0, 1].map((index) => ready(pidOf(index))));
    await actuator.stop();
    expect(readdirSync(logDir).sort()).toEqual(['replica-0.log', 'replica-1.log']);
    expect(readFileSync(join(logDir, 'replica-1.log'), 'utf8')).toContain('replica 1 up');
    expect(readFileSync(join(logDir, 'replica-1.log'), 'utf8')).toContain('replica 1 says hello on stderr');
  });

  it('rejects scale() with CONFIG_INVALID when the command cannot start, and counts nothing', async () => {
    const { actuator, events } = replicas({ command: join(tempDir(), 'no-such-command') });
    const failed = actuator.scale(1);
    await expect(failed).rejects.toBeInstanceOf(AppError);
    await expect(failed).rejects.toMatchObject({ code: 'CONFIG_INVALID', retriable: false, message: expect.stringContaining('cannot start replica 0') });
    expect(await actuator.current()).toBe(0);
    expect(events).toEqual([]);
  });

  it('takes its replicas down when its process exits without stop()', async () => {
    const dir = tempDir();
    const parent = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', parentScript, replicaScript, dir, '2'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    parent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => parent.once('exit', resolve));
    expect(code).toBe(0);
    const { pids } = JSON.parse(stdout) as { pids: number[] };
    cleanups.push(() => {
      for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    });
    expect(pids).toHaveLength(2);
    // The hook sent SIGKILL before the parent exited; delivery is the kernel's, so await it.
    await waitFor(() => !pids.some(isRunning), { timeoutMs: 10_000, intervalMs: 20, description: 'replicas of the exited parent gone' });
  });
});

describe('consumerWorkerCommand', () => {
  it('runs the consumer-worker CLI of this checkout from source through tsx, with absolute paths', () => {
    const { command, args, from } = consumerWorkerCommand({ from: 'source' });
    expect(from).toBe('source');
    expect(command).toBe(process.execPath);
    expect(args.slice(0, 2)).toEqual(['--conditions=lagscale-source', '--import']);
    expect(existsSync(fileURLToPath(args[2] ?? ''))).toBe(true);
    expect(args[3]).toBe(join(repoRoot, 'apps/consumer-worker/src/cli/main.ts'));
    expect(existsSync(args[3] ?? '')).toBe(true);
  });

  it('runs the built CLI, no loader, when the build is fresh, and the sources otherwise', () => {
    const auto = consumerWorkerCommand();
    if (consumerWorkerBuildIsFresh()) {
      expect(auto).toEqual({ command: process.execPath, args: [join(repoRoot, 'apps/consumer-worker/dist/cli/main.js')], from: 'built' });
    } else {
      expect(auto).toEqual(consumerWorkerCommand({ from: 'source' }));
    }
  });
});
