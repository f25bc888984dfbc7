import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface AppProcess {
  name: string;
  /** Base URL of its /metrics server. */
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM (the apps drain and exit), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Runs one of the apps' CLIs from source (as `npm run <app>` does) with `env`, and resolves once
 * its /metrics answers on `port`; rejects with its output if it exits first.
 */
export async function startApp(name: string, main: string, args: string[], env: Record<string, string>, port: number, readyTimeoutMs = 60_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', `${repoRoot}${main}`, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (timeoutMs = 20_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(killer);
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before serving /metrics:\n${output}`);
    const up = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      await stop(1_000);
      throw new Error(`${name} did not serve ${url}/metrics within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, url, child, output: () => output, stop };
}
