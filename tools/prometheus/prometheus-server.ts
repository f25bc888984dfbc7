import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePorts } from '../kafka/embedded-broker.js';
import { runInstallScript } from '../scripts/install-script.js';

/** Where `prometheus` and `promtool` are; installs them (tools/prometheus/install.sh) when missing. */
export function prometheusBinDir(): string {
  return runInstallScript(join(dirname(fileURLToPath(import.meta.url)), 'install.sh'));
}

/** One scrape job: targets as host:port, plus labels a service discovery would add (namespace, pod). */
export interface ScrapeJob {
  job: string;
  targets: { address: string; labels?: Record<string, string> }[];
}

export interface PrometheusServerOptions {
  jobs: ScrapeJob[];
  ruleFiles?: string[];
  scrapeIntervalS?: number;
  evaluationIntervalS?: number;
  /** Longest wait for /-/ready. */
  readyTimeoutMs?: number;
}

export const defaultPrometheusServerOptions = { scrapeIntervalS: 1, evaluationIntervalS: 1, readyTimeoutMs: 30_000, stopTimeoutMs: 10_000 } satisfies Partial<PrometheusServerOptions> & { stopTimeoutMs: number };

/** A series of an API answer: its labels and, for range queries, its samples. */
export interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

export class PrometheusApiError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
  ) {
    super(message);
  }
}

/** The Prometheus HTTP API calls the tests make. */
export interface PrometheusApi {
  readonly url: string;
  query(expr: string, timeS?: number): Promise<PromSeries[]>;
  queryRange(expr: string, startS: number, endS: number, stepS: number): Promise<PromSeries[]>;
  labelValues(label: string, match?: string): Promise<string[]>;
  rules(): Promise<{ name: string; type: 'recording' | 'alerting'; health: string; lastError?: string; lastEvaluation: string; query: string }[]>;
  targets(): Promise<{ labels: Record<string, string>; health: string; lastError: string }[]>;
}

export interface PrometheusServer extends PrometheusApi {
  /** Its log so far (stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

function configYaml(options: PrometheusServerOptions): string {
  const { scrapeIntervalS, evaluationIntervalS } = { ...defaultPrometheusServerOptions, ...options };
  // JSON is YAML: no YAML writer needed, and no quoting surprises in label values.
  const config = {
    global: { scrape_interval: `${scrapeIntervalS}s`, scrape_timeout: `${scrapeIntervalS}s`, evaluation_interval: `${evaluationIntervalS}s` },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: options.jobs.map((j) => ({
      job_name: j.job,
      static_configs: j.targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
    })),
  };
  return JSON.stringify(config, null, 2);
}

/** A client of the HTTP API at `url`; API errors (bad expression, ...) reject with PrometheusApiError. */
export function prometheusApi(url: string): PrometheusApi {
  async function get<T>(path: string, params: Record<string, string | number | undefined>): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
    const response = await fetch(`${url}${path}?${search}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string; errorType?: string };
    if (body.status !== 'success') throw new PrometheusApiError(body.error ?? `HTTP ${response.status}`, body.errorType ?? 'unknown');
    return body.data;
  }
  return {
    url,
    async query(expr, timeS) {
      const data = await get<{ resultType: string; result: PromSeries[] | [number, string] }>('/api/v1/query', { query: expr, time: timeS });
      // scalar and string results are one value, not series
      return Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string' ? (data.result as PromSeries[]) : [{ metric: {}, value: data.result as [number, string] }];
    },
    async queryRange(expr, startS, endS, stepS) {
      const data = await get<{ result: PromSeries[] }>('/api/v1/query_range', { query: expr, start: startS, end: endS, step: stepS });
      return data.result;
    },
    labelValues: (label, match) => get<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, { 'match[]': match }),
    async rules() {
      const data = await get<{ groups: { rules: { name: string; type: 'recording' | 'alerting'; health: string; lastError?: string; lastEvaluation: string; query: string }[] }[] }>('/api/v1/rules', {});
      return data.groups.flatMap((g) => g.rules);
    },
    async targets() {
      const data = await get<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>('/api/v1/targets', { state: 'active' });
      return data.activeTargets;
    },
  };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * A real Prometheus of our own: Debian's (or PROMETHEUS_BIN_DIR's) binary on a free 127.0.0.1
 * port, with its own config and a temp TSDB, never the package's service. Resolves once /-/ready
 * answers; rejects with its log if it exits first or does not get ready in time.
 */
export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const binDir = prometheusBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'lagscale-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, configYaml(options));
  const [port] = (await findFreePorts(1)) as [number];
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    join(binDir, 'prometheus'),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), defaultPrometheusServerOptions.stopTimeoutMs);
        await exited(child);
        clearTimeout(killer);
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? defaultPrometheusServerOptions.readyTimeoutMs;
  const deadline = Date.now() + readyTimeoutMs;
  let exitedEarly = false;
  void exited(child).then(() => (exitedEarly = true));
  for (;;) {
    if (exitedEarly) {
      await stop();
      throw new Error(`prometheus exited before it was ready (code ${child.exitCode ?? child.signalCode}):\n${log}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus on ${url} was not ready within ${readyTimeoutMs} ms:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ...prometheusApi(url), log: () => log, stop };
}
