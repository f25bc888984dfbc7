// What a person sees from the three CLIs: one clear line for a wrong broker (no kafkajs retries,
// no stack), readable lines when asked for them, and `run --json` printing only its JSON line.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TestKafka, testBrokers } from '@lagscale/kafka-core/testing';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const mains = {
  'producer-gen': 'apps/producer-gen/src/cli/main.ts',
  'consumer-worker': 'apps/consumer-worker/src/cli/main.ts',
  'lag-monitor': 'apps/lag-monitor/src/cli/main.ts',
} as const;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(app: keyof typeof mains, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', join(repoRoot, mains[app]), ...args], {
      cwd: repoRoot,
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), LOG_LEVEL: 'info', LOG_FORMAT: 'auto', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('what the CLIs print', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it.each([
    { app: 'consumer-worker' as const, args: ['--topic', 'anything', '--metrics-port', '0'] },
    { app: 'producer-gen' as const, args: ['run', '--topic', 'anything', '--count', '10', '--metrics-port', '0'] },
  ])('$app: a wrong broker is one line with its code and the fix, no stack, no kafkajs retries', { timeout: 60_000 }, async ({ app, args }) => {
    const result = await runCli(app, [...args, '--brokers', '127.0.0.1:1'], { KAFKA_RETRIES: '2', KAFKA_RETRY_INITIAL_MS: '50' });
    expect(result.code).toBe(1);
    const output = lines(result.stdout + result.stderr);
    const failure = output.filter((l) => l.includes('BROKER_UNREACHABLE'));
    expect(failure, output.join('\n')).toHaveLength(1);
    expect(failure[0]).toContain('Check KAFKA_BROKERS');
    expect(output.filter((l) => /"level":(50|40)|\bat .*\(.*:\d+:\d+\)/.test(l)), output.join('\n')).toEqual([]);
    expect(output.length, output.join('\n')).toBeLessThanOrEqual(2);
  });

  it('run --json prints exactly one JSON line on stdout; logs go to stderr', { timeout: 60_000 }, async () => {
    const topic = await t.createTopic({ partitions: 1, prefix: 'one-json-line' });
    const result = await runCli('producer-gen', ['run', '--json', '--topic', topic, '--count', '50', '--metrics-port', '0']);
    expect(result.code, result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out, result.stdout).toHaveLength(1);
    expect(JSON.parse(out[0] as string)).toMatchObject({ topic, acked: 50 });
  });

  it('LOG_FORMAT=pretty prints readable lines with a level word, not JSON', { timeout: 60_000 }, async () => {
    const topic = await t.createTopic({ partitions: 1, prefix: 'pretty-lines' });
    const result = await runCli('producer-gen', ['run', '--topic', topic, '--count', '20', '--metrics-port', '0'], { LOG_FORMAT: 'pretty' });
    expect(result.code, result.stderr).toBe(0);
    const logLines = lines(result.stderr);
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(line).not.toMatch(/^\{/);
      expect(line).toMatch(/\b(INFO|WARN|ERROR|DEBUG)\b/);
    }
  });

  it('consumer-worker: a misspelt --handler fails before joining the group, naming the built-ins', { timeout: 60_000 }, async () => {
    const topic = await t.createTopic({ partitions: 1, prefix: 'bad-handler' });
    const group = t.groupId('bad-handler');
    const result = await runCli('consumer-worker', ['--topic', topic, '--group-id', group, '--handler', 'sensor-alert', '--metrics-port', '0']);
    expect(result.code).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('unknown handler "sensor-alert": the built-ins are noop, cpu, sensor-alerts, user-events, io-wait');
    expect(output).not.toContain('[object Object]');
    expect(output).not.toContain('joined group');
    const { groups } = await t.admin.describeGroups([group]);
    expect(groups[0]?.members ?? []).toEqual([]);
  });
});
