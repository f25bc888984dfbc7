import { kafkajsFork } from '../client/kafkajs-fork.js';
import { ConfigError, describeError, isAppError } from '../errors/app-error.js';
import type { Logger } from '../observability/logger.js';
import type { Service } from './service.js';
import { supervisorPidOf, watchSupervisor, type SupervisorWatchOptions } from './supervisor.js';

/** Exit codes a user can script against. */
export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  config: 2,
  shutdownTimeout: 3,
  interrupted: 130,
} as const;

export interface RunOptions {
  logger?: Logger;
  /** How long a SIGTERM may take to drain and commit before the process gives up. */
  shutdownTimeoutMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** Injected in tests; defaults to the real process. */
  exit?: (code: number) => void;
  /** Stop as on SIGTERM once this process is gone; default: the pid in `LAGSCALE_SUPERVISOR_PID` (see supervisor.ts). */
  supervisorPid?: number;
  supervisorWatch?: SupervisorWatchOptions;
}

export const defaultRunOptions = {
  shutdownTimeoutMs: 30_000,
  signals: ['SIGTERM', 'SIGINT'],
} satisfies Partial<RunOptions>;

/** Prints a failure for a human: the message (and each config problem), never a bare stack. */
export function reportFatal(err: unknown, logger?: Logger): number {
  if (err instanceof ConfigError) {
    process.stderr.write(`configuration error:\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return EXIT_CODES.config;
  }
  const message = isAppError(err) ? `error [${err.code}]: ${describeError(err)}` : `error: ${describeError(err)}`;
  process.stderr.write(`${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  logger?.debug({ err }, 'fatal error');
  return EXIT_CODES.failed;
}

/**
 * Runs a one-shot command (a CLI verb): returns its exit code, or maps a thrown error to a clear
 * message and a non-zero code. Like `runService`, it refuses to run on a kafkajs without our
 * changes (KAFKAJS_INCOMPATIBLE).
 */
export async function runCommand(command: () => Promise<number | void>, options: Pick<RunOptions, 'logger' | 'exit'> = {}): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  try {
    kafkajsFork();
    const code = await command();
    exit(code ?? EXIT_CODES.ok);
  } catch (err) {
    exit(reportFatal(err, options.logger));
  }
}

/**
 * Starts a long-running service and stops it on SIGTERM/SIGINT: drain, commit, exit 0. A second
 * signal, or a drain past the deadline, exits at once with a non-zero code. Every app starts
 * here, so this is where one on a kafkajs without our changes (vendor/kafkajs) stops with
 * KAFKAJS_INCOMPATIBLE, before it connects or serves anything.
 */
export async function runService(service: Service, options: RunOptions = {}): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logger = options.logger;
  const signals = options.signals ?? defaultRunOptions.signals;
  const timeoutMs = options.shutdownTimeoutMs ?? defaultRunOptions.shutdownTimeoutMs;
  let shuttingDown = false;

  const shutdown = (signal: NodeJS.Signals | 'supervisor gone') => {
    if (shuttingDown) {
      if (signal === 'supervisor gone') return;
      logger?.warn({ signal }, 'second signal: exiting without draining');
      exit(EXIT_CODES.interrupted);
      return;
    }
    shuttingDown = true;
    stopWatching?.();
    logger?.info({ signal, timeoutMs }, `${service.name}: stopping`);
    const timer = setTimeout(() => {
      logger?.error({ timeoutMs }, `${service.name}: shutdown took longer than ${timeoutMs} ms`);
      exit(EXIT_CODES.shutdownTimeout);
    }, timeoutMs);
    timer.unref();
    service.stop().then(
      () => {
        clearTimeout(timer);
        logger?.info(`${service.name}: stopped`);
        exit(EXIT_CODES.ok);
      },
      (err: unknown) => {
        clearTimeout(timer);
        exit(reportFatal(err, logger));
      },
    );
  };
  for (const signal of signals) process.on(signal, shutdown);
  const supervisorPid = options.supervisorPid ?? supervisorPidOf();
  const stopWatching =
    supervisorPid === undefined
      ? undefined
      : watchSupervisor(
          supervisorPid,
          () => {
            logger?.warn({ supervisorPid }, `${service.name}: the process that started it (pid ${supervisorPid}) is gone; stopping as on SIGTERM`);
            shutdown('supervisor gone');
          },
          options.supervisorWatch,
        );

  try {
    kafkajsFork();
    await service.start();
    logger?.info(`${service.name}: started`);
  } catch (err) {
    for (const signal of signals) process.off(signal, shutdown);
    stopWatching?.();
    const code = reportFatal(err, logger);
    await service.stop().catch(() => undefined);
    exit(code);
  }
}
