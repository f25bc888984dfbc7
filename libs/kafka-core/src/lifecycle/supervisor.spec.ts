import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processAlive, SUPERVISOR_PID_ENV, supervisorPidOf, watchSupervisor } from './supervisor.js';

describe('supervisorPidOf', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['abc', undefined],
    ['-5', undefined],
    ['0', undefined],
    ['12.5', undefined],
    [' 4242 ', 4242],
    [String(process.pid), undefined],
  ])('%j → %j', (text, pid) => {
    expect(supervisorPidOf(text === undefined ? {} : { [SUPERVISOR_PID_ENV]: text })).toBe(pid);
  });
});

describe('watchSupervisor', () => {
  describe('with fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('calls onGone once, when the supervisor no longer exists', () => {
      let alive = true;
      const onGone = vi.fn();
      watchSupervisor(4242, onGone, { pollMs: 100, alive: () => alive, parentPid: () => 1 });
      vi.advanceTimersByTime(1_000);
      expect(onGone).not.toHaveBeenCalled();
      alive = false;
      vi.advanceTimersByTime(100);
      vi.advanceTimersByTime(1_000);
      expect(onGone).toHaveBeenCalledTimes(1);
    });

    it('a supervisor that is the parent is gone once this process is re-parented, even if its pid were reused', () => {
      let parent = 4242;
      const onGone = vi.fn();
      watchSupervisor(4242, onGone, { pollMs: 100, alive: () => true, parentPid: () => parent });
      vi.advanceTimersByTime(500);
      expect(onGone).not.toHaveBeenCalled();
      parent = 1;
      vi.advanceTimersByTime(100);
      expect(onGone).toHaveBeenCalledTimes(1);
    });

    it('stops watching when asked', () => {
      const onGone = vi.fn();
      const stop = watchSupervisor(4242, onGone, { pollMs: 100, alive: () => false, parentPid: () => 1 });
      stop();
      vi.advanceTimersByTime(1_000);
      expect(onGone).not.toHaveBeenCalled();
    });
  });

  it('processAlive: this process exists, an exited child does not', async () => {
    expect(processAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const pid = child.pid as number;
    await new Promise((resolve) => child.once('exit', resolve));
    expect(processAlive(pid)).toBe(false);
  });
});

describe('runService under a supervisor that is SIGKILLed', () => {
  const fixture = fileURLToPath(new URL('../../test/fixtures/drain-on-sigterm.ts', import.meta.url));

  it('drains and exits by itself, as on SIGTERM', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supervisor-spec-'));
    const out = join(dir, 'service.out');
    try {
      // The supervisor: starts the service with its own pid in the env, its output in a file (a
      // pipe to a dead process would fail the writes), prints the service's pid, then idles.
      const supervisorCode = `
        const { spawn } = require('node:child_process');
        const { openSync } = require('node:fs');
        const fd = openSync(${JSON.stringify(out)}, 'a');
        const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', ${JSON.stringify(fixture)}], {
          env: { ...process.env, ${SUPERVISOR_PID_ENV}: String(process.pid) }, stdio: ['ignore', fd, fd], detached: true,
        });
        process.stdout.write(child.pid + '\\n');
        setInterval(() => undefined, 1000);`;
      const supervisor = spawn(process.execPath, ['-e', supervisorCode], { stdio: ['ignore', 'pipe', 'inherit'] });
      const servicePid = await new Promise<number>((resolve) => supervisor.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
      const text = () => {
        try {
          return readFileSync(out, 'utf8');
        } catch {
          return '';
        }
      };
      await vi.waitFor(() => expect(text()).toContain('RUNNING'), { timeout: 20_000, interval: 50 });
      supervisor.kill('SIGKILL');
      await vi.waitFor(() => expect(processAlive(servicePid)).toBe(false), { timeout: 20_000, interval: 50 });
      expect(text()).toContain('DRAINED 5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
