// Runs the producer-gen CLI from source in a child process, as a user would, for the CLI suites.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testBrokers } from '@lagscale/kafka-core/testing';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  onStart?: (child: ChildProcess) => void;
  timeoutMs?: number;
  /** Default: the shared test broker. */
  brokers?: readonly string[];
  env?: Record<string, string>;
}

export function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', main, ...args], {
      env: { ...process.env, KAFKA_BROKERS: (options.brokers ?? testBrokers()).join(','), LOG_LEVEL: 'warn', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`producer-gen ${args[0]} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    options.onStart?.(child);
  });
}

export interface RunSummaryLine {
  generated: number;
  acked: number;
  failed: number;
  stoppedEarly: boolean;
  producerId: string;
}

/** The `--json` summary: the last line of stdout. */
export const lastJson = (stdout: string): RunSummaryLine => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as RunSummaryLine;
