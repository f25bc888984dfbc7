// The processes of a chaos run, each started from this checkout as a user would: lag-monitor (with
// its local actuator, which starts the consumer-worker replicas), extra replicas for the storm,
// producer-gen `run` and `verify`. Every one of them is tracked so the run can kill what is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerWorkerCommand } from '@lagscale/lag-monitor';
import { appCommand, repoRoot, type AppName } from '../runner/stack/app-process.ts';

export interface Tracked {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
}

/** Every process a run started, so that cleanup (even after a failure) can end each one. */
export class ProcessSet {
  private readonly all = new Set<Tracked>();
  /** Orphans: processes we did not start but must end (a killed lag-monitor's replicas). */
  private readonly pids = new Set<number>();

  constructor(private readonly logDir: string) {}

  spawn(name: string, command: string, args: readonly string[], env: Record<string, string>): Tracked {
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      log.write(chunk);
    });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', () => resolve({ code: null, signal: null }));
      child.once('exit', (code, signal) => {
        log.end();
        resolve({ code, signal });
      });
    });
    const tracked: Tracked = { name, child, exited, stdout: () => stdout };
    this.all.add(tracked);
    void exited.then(() => this.all.delete(tracked));
    return tracked;
  }

  app(name: string, app: AppName, args: readonly string[], env: Record<string, string>): Tracked {
    const { command, args: base } = appCommand(app);
    return this.spawn(name, command, [...base, ...args], env);
  }

  /** A consumer-worker replica started by the driver itself (the storm), as the local actuator starts one. */
  replica(name: string, env: Record<string, string>): Tracked {
    const { command, args } = consumerWorkerCommand();
    return this.spawn(name, command, args, env);
  }

  adopt(pids: Iterable<number>): void {
    for (const pid of pids) this.pids.add(pid);
  }

  /** SIGTERM everything, SIGKILL what is still there after graceMs. */
  async stopAll(graceMs: number): Promise<void> {
    const tracked = [...this.all];
    for (const t of tracked) t.child.kill('SIGTERM');
    for (const pid of this.pids) signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    await Promise.race([Promise.all(tracked.map((t) => t.exited)), new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const t of this.all) t.child.kill('SIGKILL');
    for (const pid of this.pids) {
      while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      signal(pid, 'SIGKILL');
    }
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** State letter of a process from /proc, undefined when it is gone. */
function state(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

export function isRunning(pid: number): boolean {
  const s = state(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

/** Pids of the running children of `parent` (from /proc): a lag-monitor's replicas. */
export function childPids(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent && fields[0] !== 'Z') children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children.sort((a, b) => a - b);
}
