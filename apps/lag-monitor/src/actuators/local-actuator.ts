import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, ConfigError } from '@lagscale/kafka-core/errors';
import { sharedPromise, SUPERVISOR_PID_ENV } from '@lagscale/kafka-core/lifecycle';
import type { Actuator } from '../model/actuator.js';
import { assertReplicaCount } from './replica-count.js';

export const LOCAL_REPLICA_EVENTS = ['started', 'stopped', 'exited', 'killed'] as const;
export type LocalReplicaEventType = (typeof LOCAL_REPLICA_EVENTS)[number];

export interface LocalReplicaEvent {
  /** started: spawned; stopped: exited after SIGTERM; killed: SIGKILLed after stopTimeoutMs; exited: ended unasked. */
  type: LocalReplicaEventType;
  index: number;
  pid: number;
  code?: number | null;
  signal?: string | null;
}

export interface LocalActuatorOptions {
  /** What one replica runs (spawned without a shell). */
  command: string;
  args: readonly string[];
  /** Extra env per replica (e.g. a distinct metrics port), merged over process.env. */
  env?: (index: number) => Record<string, string>;
  cwd?: string;
  /** SIGTERM, then SIGKILL after this. */
  stopTimeoutMs: number;
  /** Each replica's stdout and stderr go to <logDir>/replica-<n>.log; default: discarded. */
  logDir?: string;
  /** Called synchronously on each replica's life events; must not throw. */
  onEvent?: (event: LocalReplicaEvent) => void;
}

export const defaultLocalActuatorOptions = {
  stopTimeoutMs: 35_000,
} as const satisfies Partial<LocalActuatorOptions>;

export function validateLocalActuatorOptions(options: LocalActuatorOptions): void {
  const problems: string[] = [];
  if (options.command.length === 0) problems.push('local actuator command must not be empty');
  if (!Number.isSafeInteger(options.stopTimeoutMs) || options.stopTimeoutMs < 0) {
    problems.push(`local actuator stopTimeoutMs must be an integer ≥ 0 (got ${String(options.stopTimeoutMs)})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

interface Replica {
  readonly index: number;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Set once we asked it to stop: it no longer counts, and its exit is ours, not a crash. */
  stopping: boolean;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs replicas as child processes of this one, indexed 0..n-1: `scale(n)` starts the missing
 * indexes below n (a replica that died is started again) and stops those at n and above. Calls
 * are serialised, so a replica is never started and stopped by two overlapping decisions.
 */
export function createLocalActuator(options: LocalActuatorOptions): Actuator {
  validateLocalActuatorOptions(options);
  const replicas = new Map<number, Replica>();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const emit = (event: LocalReplicaEvent) => options.onEvent?.(event);

  // Last resort when this process exits without stop() (a crash, process.exit): nothing can be
  // awaited there, so SIGKILL, the one signal that leaves no process behind.
  const killAllNow = () => {
    for (const replica of replicas.values()) replica.child.kill('SIGKILL');
  };
  let exitHookInstalled = false;
  const updateExitHook = () => {
    const wanted = replicas.size > 0;
    if (wanted && !exitHookInstalled) process.on('exit', killAllNow);
    if (!wanted && exitHookInstalled) process.off('exit', killAllNow);
    exitHookInstalled = wanted;
  };

  function logFd(index: number): number | undefined {
    if (options.logDir === undefined) return undefined;
    mkdirSync(options.logDir, { recursive: true });
    return openSync(join(options.logDir, `replica-${index}.log`), 'a');
  }

  /** Resolves once the process runs (it has a pid); rejects when it cannot be started. */
  async function start(index: number): Promise<void> {
    const fd = logFd(index);
    let child: ChildProcess;
    try {
      child = spawn(options.command, options.args, {
        cwd: options.cwd,
        // A replica that is one of ours stops by itself (drain, commit, leave) once this process
        // is gone: after a SIGKILL nothing here runs to stop it, and a new lag-monitor would
        // start a second fleet beside the first.
        env: { ...process.env, ...options.env?.(index), [SUPERVISOR_PID_ENV]: String(process.pid) },
        stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
      });
    } finally {
      // The child holds its own copy of the descriptor.
      if (fd !== undefined) closeSync(fd);
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        child.off('spawn', onSpawn);
        reject(new AppError('CONFIG_INVALID', `local actuator cannot start replica ${index} (${options.command}): ${err.message}`, { cause: err, retriable: false }));
      };
      const onSpawn = () => {
        child.off('error', onError);
        // Later errors (a failed kill of a process already gone) are not the replica's fate.
        child.on('error', () => undefined);
        resolve();
      };
      child.once('error', onError);
      child.once('spawn', onSpawn);
    });
    const pid = child.pid ?? -1;
    const replica: Replica = { index, child, pid, stopping: false, exited };
    replicas.set(index, replica);
    updateExitHook();
    emit({ type: 'started', index, pid });
    void exited.then(({ code, signal }) => {
      if (replica.stopping) return;
      // It ended unasked: forget it so current() drops and the next scale() starts it again.
      if (replicas.get(index) === replica) replicas.delete(index);
      updateExitHook();
      emit({ type: 'exited', index, pid, code, signal });
    });
  }

  async function stopReplica(replica: Replica): Promise<void> {
    replica.stopping = true;
    replica.child.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      replica.child.kill('SIGKILL');
    }, options.stopTimeoutMs);
    const { code, signal } = await replica.exited;
    clearTimeout(timer);
    if (replicas.get(replica.index) === replica) replicas.delete(replica.index);
    updateExitHook();
    emit({ type: killed ? 'killed' : 'stopped', index: replica.index, pid: replica.pid, code, signal });
  }

  async function apply(target: number): Promise<void> {
    const extra = [...replicas.values()].filter((r) => r.index >= target && !r.stopping);
    await Promise.all(extra.map(stopReplica));
    const missing: number[] = [];
    for (let index = 0; index < target; index += 1) if (!replicas.has(index)) missing.push(index);
    const results = await Promise.allSettled(missing.map(start));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** Runs after every earlier call has settled; a failed call does not block the next. */
  function enqueue(work: () => Promise<void>): Promise<void> {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  }

  const stopAll = sharedPromise(async () => {
    closed = true;
    await enqueue(() => apply(0));
  });

  return {
    kind: 'local',
    current: () => Promise.resolve([...replicas.values()].filter((r) => !r.stopping).length),
    async scale(count) {
      assertReplicaCount(count, 'local');
      if (closed) throw new AppError('SHUTTING_DOWN', `local actuator is stopped: not scaling to ${count}`);
      await enqueue(() => apply(count));
    },
    stop: stopAll,
  };
}
