/**
 * The env a supervising process sets to its own pid for the processes it starts (lag-monitor's
 * local actuator does, for its replicas): such a process stops as on SIGTERM (drain, commit, leave
 * the group) once its supervisor is gone. A supervisor that was SIGKILLed runs no code to stop its
 * children, and a new one started in its place would otherwise run a second set beside them.
 */
export const SUPERVISOR_PID_ENV = 'LAGSCALE_SUPERVISOR_PID';

export interface SupervisorWatchOptions {
  /** How often the supervisor is looked for. */
  pollMs: number;
  /** Injected in tests: whether a process with this pid exists. */
  alive?: (pid: number) => boolean;
  /** Injected in tests: this process's parent pid now. */
  parentPid?: () => number;
}

export const defaultSupervisorWatchOptions = { pollMs: 500 } as const satisfies SupervisorWatchOptions;

/** Whether a process with this pid exists (EPERM: it does, another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The supervisor's pid from `SUPERVISOR_PID_ENV`, or undefined when unset, not a pid, or this process's own. */
export function supervisorPidOf(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[SUPERVISOR_PID_ENV]?.trim();
  if (text === undefined || !/^[1-9][0-9]*$/.test(text)) return undefined;
  const pid = Number(text);
  return Number.isSafeInteger(pid) && pid !== process.pid ? pid : undefined;
}

/**
 * Calls `onGone` once the supervisor `pid` is gone, then stops watching; returns a function that
 * stops watching. When the supervisor is this process's parent, a change of parent also counts
 * (the orphan is re-parented at once, even before the pid could be reused); otherwise the pid's
 * existence is checked. The timer does not keep the process alive.
 */
export function watchSupervisor(pid: number, onGone: () => void, options: SupervisorWatchOptions = defaultSupervisorWatchOptions): () => void {
  const alive = options.alive ?? processAlive;
  const parentPid = options.parentPid ?? (() => process.ppid);
  const isParent = parentPid() === pid;
  const timer = setInterval(() => {
    if ((isParent && parentPid() !== pid) || !alive(pid)) {
      clearInterval(timer);
      onGone();
    }
  }, options.pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
