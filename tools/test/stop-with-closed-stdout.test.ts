// A log reader that goes away (`| head -1`, a log shipper that died) must not keep a service from
// stopping: each app reads one line, its stdout pipe is closed (or left full), then SIGTERM must
// end it with exit 0 well inside its shutdown timeout. Before the fix lag-monitor needed SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka, testBrokers } from '@lagscale/kafka-core/testing';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface App {
  name: string;
  main: string;
  args: () => string[];
}

let topic = '';
const apps: App[] = [
  { name: 'lag-monitor', main: 'apps/lag-monitor/src/cli/main.ts', args: () => ['--groups', 'closed-stdout', '--interval-ms', '100', '--metrics-port', '0'] },
  { name: 'consumer-worker', main: 'apps/consumer-worker/src/cli/main.ts', args: () => ['--topic', topic, '--metrics-port', '0', '--threads', '1'] },
  { name: 'producer-gen serve', main: 'apps/producer-gen/src/cli/main.ts', args: () => ['serve', '--port', '0'] },
];

function start(app: App): ChildProcess {
  return spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', join(repoRoot, app.main), ...app.args()], {
    cwd: repoRoot,
    // debug: kafkajs and the app keep writing after the reader is gone.
    env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), LOG_LEVEL: 'debug', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('"started"') || text.includes(': started')) {
        child.stdout?.off('data', onData);
        resolveLine(text);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before it started`)));
  });
}

function exitWithin(child: ChildProcess, ms: number): Promise<number | null | 'timeout'> {
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit('timeout'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}

describe('SIGTERM when nobody reads stdout any more', () => {
  const t = new TestKafka();
  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 1, prefix: 'closed-stdout' });
  });
  afterAll(() => t.cleanup());

  it.each(apps)('$name exits 0 after its stdout pipe was closed', { timeout: 60_000 }, async (app) => {
    const child = start(app);
    try {
      await firstLine(child);
      // What `| head -1` does once it has its line: the read end goes away.
      child.stdout?.destroy();
      await new Promise((r) => setTimeout(r, 500)); // let the app hit EPIPE on its next writes
      child.kill('SIGTERM');
      expect(await exitWithin(child, 20_000)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('lag-monitor exits 0 when its stdout reader stopped reading (a full pipe)', { timeout: 60_000 }, async () => {
    const child = start(apps[0] as App);
    try {
      await firstLine(child);
      child.stdout?.pause();
      await new Promise((r) => setTimeout(r, 500));
      child.kill('SIGTERM');
      expect(await exitWithin(child, 20_000)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
