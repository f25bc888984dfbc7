import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, runCommand } from './run-main.js';
import { defineService } from './service.js';
import { sharedPromise } from './shared-promise.js';
import { AppError } from '../errors/app-error.js';

describe('sharedPromise', () => {
  it('runs once and shares the result', async () => {
    let calls = 0;
    const stop = sharedPromise(async () => {
      calls += 1;
      return calls;
    });
    expect(await Promise.all([stop(), stop(), stop()])).toEqual([1, 1, 1]);
    expect(await stop()).toBe(1);
    expect(calls).toBe(1);
  });
});

describe('defineService', () => {
  it('starts once, stops once, in order', async () => {
    const events: string[] = [];
    const service = defineService({
      name: 's',
      onStart: async () => {
        events.push('start');
      },
      onStop: async () => {
        events.push('stop');
      },
    });
    expect(service.state).toBe('new');
    await Promise.all([service.start(), service.start()]);
    expect(service.state).toBe('running');
    await Promise.all([service.stop(), service.stop()]);
    await service.stop();
    expect(service.state).toBe('stopped');
    expect(events).toEqual(['start', 'stop']);
  });

  it('a stop during start waits for the start, then releases', async () => {
    const events: string[] = [];
    let finishStart: () => void = () => undefined;
    const service = defineService({
      name: 's',
      onStart: () =>
        new Promise<void>((resolve) => {
          finishStart = () => {
            events.push('started');
            resolve();
          };
        }),
      onStop: async () => {
        events.push('stopped');
      },
    });
    const started = service.start();
    const stopped = service.stop();
    finishStart();
    await Promise.all([started, stopped]);
    expect(events).toEqual(['started', 'stopped']);
  });

  it('a failed start is reported and stop still releases', async () => {
    const events: string[] = [];
    const service = defineService({
      name: 's',
      onStart: async () => {
        throw new AppError('BROKER_UNREACHABLE', 'no broker');
      },
      onStop: async () => {
        events.push('stopped');
      },
    });
    await expect(service.start()).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    expect(service.state).toBe('failed');
    await service.stop();
    expect(events).toEqual(['stopped']);
  });
});

describe('runCommand', () => {
  it.each([
    { name: 'success', command: async () => undefined, code: EXIT_CODES.ok },
    { name: 'explicit code', command: async () => 4, code: 4 },
    { name: 'app error', command: async () => { throw new AppError('TIMEOUT', 'slow'); }, code: EXIT_CODES.failed },
  ])('exits with $code on $name', async ({ command, code }) => {
    let exitCode: number | undefined;
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await runCommand(command, { exit: (c) => (exitCode = c) });
    } finally {
      process.stderr.write = write;
    }
    expect(exitCode).toBe(code);
  });
});

describe('runService with real signals', () => {
  const script = fileURLToPath(new URL('../../test/fixtures/drain-on-sigterm.ts', import.meta.url));

  function start(env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('RUNNING') && resolve()));
    return { child, exited, ready, output: () => stdout };
  }

  it('SIGTERM drains in-flight work, then exits 0', { timeout: 20_000 }, async () => {
    const proc = start();
    await proc.ready;
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('DRAINED 5');
  });

  it('a drain past the deadline exits with the shutdown-timeout code', { timeout: 20_000 }, async () => {
    const proc = start({ DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '300' });
    await proc.ready;
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(EXIT_CODES.shutdownTimeout);
    expect(proc.output()).not.toContain('DRAINED');
  });

  it('a failed start exits non-zero with the error code in the message', { timeout: 20_000 }, async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', script], { env: { ...process.env, FAIL_START: '1' } }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });
    expect(result.code).toBe(EXIT_CODES.failed);
    expect(result.stderr).toContain('error [BROKER_UNREACHABLE]: cannot reach the broker');
  });
});
