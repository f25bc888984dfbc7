// The apps a scenario needs, each as its own process started from this checkout (the same
// entry points as `npm run producer-gen` and friends), logging to a file of the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LoadError } from '../load-errors.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const APP_ENTRY = {
  'producer-gen': 'apps/producer-gen/src/cli/main.ts',
  'consumer-worker': 'apps/consumer-worker/src/cli/main.ts',
  'lag-monitor': 'apps/lag-monitor/src/cli/main.ts',
} as const;
export type AppName = keyof typeof APP_ENTRY;

export interface AppProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Base URL of its HTTP server. */
  url: string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once it exited. Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartAppOptions {
  app: AppName;
  /** Name of the process in logs and errors, e.g. `consumer-worker-1`. */
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Port of its HTTP server (/readyz is polled there). */
  port: number;
  logDir: string;
  readyTimeoutMs: number;
}

/** The command that runs an app from source: node with the source condition and tsx. */
export function appCommand(app: AppName): { command: string; args: string[] } {
  const tsx = createRequire(join(repoRoot, 'package.json')).resolve('tsx');
  return { command: process.execPath, args: ['--conditions=lagscale-source', '--import', pathToFileURL(tsx).href, join(repoRoot, APP_ENTRY[app])] };
}

/** Starts the app and resolves once its /readyz answers 200; fails naming its log when it exits or times out first. */
export async function startApp(options: StartAppOptions): Promise<AppProcess> {
  const { command, args } = appCommand(options.app);
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(command, [...args, ...options.args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolveExit) => child.once('close', () => resolveExit()));
  void exited.then(() => log.end());
  const url = `http://127.0.0.1:${options.port}`;

  let stopping: Promise<void> | undefined;
  const stop = (timeoutMs = 30_000): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const deadline = Date.now() + options.readyTimeoutMs;
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  for (;;) {
    if (exitedEarly) {
      throw new LoadError('APP_FAILED', `${options.name} exited with ${child.exitCode ?? child.signalCode} before it was ready (log: ${logFile})`);
    }
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { name: options.name, child, logFile, url, stop };
    if (Date.now() > deadline) {
      await stop(5_000);
      throw new LoadError('TIMEOUT', `${options.name} was not ready within ${options.readyTimeoutMs} ms (log: ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
