import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka, testBrokers, waitFor } from '@lagscale/kafka-core/testing';
import { findFreePorts } from '../kafka/embedded-broker.js';

/*
 * The images' production install, run here since there is no container engine: the apps are
 * built, deploy/images/install-apps.mjs (what the Dockerfile runs) copies their runtime files into
 * a temp dir and runs `npm ci --omit=dev` there, and the built apps are started from that dir
 * against the real broker, with a bare environment and no devDependency installed. producer-gen
 * must produce and consumer-worker consume through our kafkajs's own paths (vendor/kafkajs: the
 * /metrics counters say so); on a kafkajs without our changes, each app must refuse to start.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const APPS = ['producer-gen', 'consumer-worker', 'lag-monitor'] as const;
type App = (typeof APPS)[number];
const RECORDS = 400;
// Building cold takes about 40 s on two idle cores, installing about 15 s with npm's cache.
const PREPARE_TIMEOUT_MS = 360_000;

let dest: string;
const running = new Set<ChildProcess>();

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

/** A container's environment: the broker, the app's settings, and nothing from this test run. */
function bareEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dest, NODE_ENV: 'production', KAFKA_BROKERS: testBrokers().join(','), LOG_LEVEL: 'warn', ...settings };
}

interface AppProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function startApp(app: App, args: string[], settings: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [join(dest, 'apps', app, 'dist/cli/main.js'), ...args], { cwd: dest, env: bareEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, output: () => output };
}

async function untilReady(app: AppProcess, url: string, what: string): Promise<void> {
  let gone = false;
  void app.exited.then(() => (gone = true));
  await waitFor(
    async () => {
      if (gone) throw new Error(`${what} exited before it was ready:\n${app.output()}`);
      return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) })).ok;
    },
    { timeoutMs: 60_000, description: `${what} /readyz` },
  ).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${app.output()}`, { cause: err });
  });
}

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
}

/** The value of one series (no labels besides `app`), or undefined. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function stopApp(app: AppProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 30_000);
  try {
    return await app.exited;
  } finally {
    clearTimeout(timer);
  }
}

describe('the apps installed as the images install them', () => {
  const t = new TestKafka();

  beforeAll(() => {
    run('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APPS.map((app) => `@lagscale/${app}`), '--outputStyle=static'], root);
    dest = mkdtempSync(join(tmpdir(), 'lagscale-install-'));
    run(process.execPath, [join(root, 'deploy/images/install-apps.mjs'), dest, ...APPS], root);
  }, PREPARE_TIMEOUT_MS);

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await t.cleanup();
    if (dest !== undefined) rmSync(dest, { recursive: true, force: true });
  });

  it('holds built JavaScript and production dependencies only', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true).map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(100);
    expect(devOnly.filter((path) => existsSync(join(dest, path)))).toEqual([]);
    const fromApp = createRequire(join(dest, 'apps/consumer-worker/package.json'));
    for (const tool of ['typescript', 'tsx', 'vitest', 'nx', 'eslint']) expect(() => fromApp.resolve(tool), tool).toThrow();
    for (const dir of ['libs/codecs', 'libs/kafka-core', ...APPS.map((app) => `apps/${app}`)]) {
      expect(readdirSync(join(dest, dir)).sort(), dir).toEqual(['dist', 'package.json']);
    }
    expect(readdirSync(join(dest, 'vendor/kafkajs')).sort()).toEqual(['CHANGES.md', 'LICENSE', 'index.js', 'package.json', 'src', 'types']);
  });

  it('produces and consumes through our kafkajs: producer-gen serve, consumer-worker, lag-monitor', async () => {
    const topic = await t.createTopic({ partitions: 3, prefix: 'prod-install' });
    const groupId = t.groupId('prod-install');
    t.adopt(`${topic}.dlq`);
    const [ingestPort, workerPort, monitorPort] = await findFreePorts(3);
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    const monitorUrl = `http://127.0.0.1:${monitorPort}`;

    const ingest = startApp('producer-gen', ['serve'], { INGEST_HOST: '127.0.0.1', INGEST_PORT: String(ingestPort) });
    const worker = startApp('consumer-worker', [], {
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_HANDLER: 'noop',
      CONSUMER_THREADS: '1',
      CONSUMER_OFFSET_RESET: 'earliest',
      CONSUMER_COMMIT_INTERVAL_MS: '200',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
      CONSUMER_METRICS_HOST: '127.0.0.1',
      CONSUMER_METRICS_PORT: String(workerPort),
    });
    const monitor = startApp('lag-monitor', [], {
      LAG_MONITOR_GROUPS: groupId,
      LAG_MONITOR_TOPICS: topic,
      LAG_MONITOR_INTERVAL_MS: '500',
      LAG_MONITOR_METRICS_HOST: '127.0.0.1',
      LAG_MONITOR_METRICS_PORT: String(monitorPort),
    });
    await Promise.all([untilReady(ingest, ingestUrl, 'producer-gen serve'), untilReady(worker, workerUrl, 'consumer-worker'), untilReady(monitor, monitorUrl, 'lag-monitor')]);

    for (let sent = 0; sent < RECORDS; sent += 100) {
      const response = await fetch(`${ingestUrl}/v1/topics/${topic}/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: Array.from({ length: 100 }, (_, i) => ({ key: `k${(sent + i) % 17}`, value: { n: sent + i } })) }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
    }

    const ingestMetrics = await metrics(ingestUrl);
    expect(ingestMetrics).toMatch(/^lagscale_kafkajs_info\{version="2\.2\.4-lagscale\.\d+",features="produce-fast-path,raw-record-sets,protocol-exports,write-order,idempotent-pipeline",app="producer-gen"\} 1$/m);
    expect(sample(ingestMetrics, 'lagscale_kafkajs_produced_record_batches_total')).toBeGreaterThanOrEqual(RECORDS / 100);

    const workerMetrics = await waitFor(
      async () => {
        const text = await metrics(workerUrl);
        return sample(text, 'consumer_worker_records_processed_total') === RECORDS && text;
      },
      { timeoutMs: 60_000, description: `consumer-worker to process ${RECORDS} records` },
    );
    // every record came in a record set read in place, none through kafkajs's decoder
    expect(sample(workerMetrics, 'lagscale_kafkajs_raw_record_sets_total')).toBeGreaterThan(0);

    // lag-monitor reads the group's commits: every record, nothing left
    await waitFor(
      async () => {
        const text = await metrics(monitorUrl);
        return sample(text, 'kafka_consumergroup_current_offset_sum') === RECORDS && sample(text, 'kafka_consumergroup_lag_sum') === 0;
      },
      { timeoutMs: 60_000, description: 'lag-monitor to see the group commit every record' },
    );
    expect(await metrics(monitorUrl)).toMatch(/^lagscale_kafkajs_info\{version="2\.2\.4-lagscale\.\d+",[^}]*app="lag-monitor"\} 1$/m);

    // SIGTERM drains and exits 0, as a pod's stop does
    const stopped = await Promise.all([stopApp(worker), stopApp(ingest), stopApp(monitor)]);
    expect(stopped, [worker, ingest, monitor].map((a) => a.output()).join('\n')).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('refuses to start any app on a kafkajs without our changes, with one line and its code', async () => {
    // kafkajs as the registry has it: our files minus the fork's lagscale export, version 2.2.4
    const link = join(dest, 'node_modules/kafkajs');
    const aside = join(dest, 'node_modules/.kafkajs-ours');
    renameSync(link, aside);
    try {
      mkdirSync(link);
      writeFileSync(join(link, 'package.json'), JSON.stringify({ name: 'kafkajs', version: '2.2.4', main: 'index.js' }));
      writeFileSync(join(link, 'index.js'), `const { lagscale, ...upstream } = require(${JSON.stringify(join(dest, 'vendor/kafkajs'))});\nmodule.exports = upstream;\n`);
      const settings = { PRODUCER_TOPIC: 'never-written', PRODUCER_COUNT: '10', CONSUMER_TOPIC: 'never-read', LAG_MONITOR_GROUPS: 'never-read' };
      const runs: Array<[App, string[]]> = [
        ['producer-gen', ['run']],
        ['producer-gen', ['serve']],
        ['consumer-worker', []],
        ['lag-monitor', []],
      ];
      for (const [app, args] of runs) {
        const started = startApp(app, args, settings);
        const { code } = await started.exited;
        expect({ app, args, code, output: started.output() }).toEqual({
          app,
          args,
          code: 1,
          output: expect.stringMatching(new RegExp(`^error \\[KAFKAJS_INCOMPATIBLE\\]: the kafkajs loaded from ${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(version 2\\.2\\.4\\) is not the toolkit's: [^\\n]*npm ci[^\\n]*\\n$`)),
        });
      }
    } finally {
      rmSync(link, { recursive: true, force: true });
      renameSync(aside, link);
    }
  });
});
