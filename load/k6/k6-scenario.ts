// Turns a scenario definition (load/scenarios) into k6 options and a request function, so the
// four scripts beside this file stay a few lines each. Runs inside k6: only k6 modules and the
// plain TypeScript of load/scenarios.
import http from 'k6/http';
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { Gauge } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';
import { batchBody, ingestPath } from '../scenarios/batch-body.ts';
import { k6Duration, parseDuration } from '../scenarios/duration.ts';
import { scenarios, type ScenarioName, type ScenarioParams, type Stage } from '../scenarios/scenarios.ts';
import { parseThreshold, type Threshold } from '../scenarios/thresholds.ts';

/** Settings from `k6 run -e NAME=value`. */
export interface K6Settings {
  baseUrl: string;
  topic: string;
  /** lag-monitor's base URL: when set, a watcher records its lag and replicas as k6 metrics. */
  monitorUrl: string | undefined;
  authToken: string | undefined;
  params: ScenarioParams;
}

function env(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value === '' ? undefined : value;
}

function numberEnv(name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number (got "${raw}")`);
  return value;
}

function durationEnv(name: string, fallback: number): number {
  const raw = env(name);
  return raw === undefined ? fallback : parseDuration(raw);
}

/** The definition's defaults with the same overrides the runner's flags offer (RATE, DURATION, …). */
export function k6Settings(name: ScenarioName): K6Settings {
  const d = scenarios[name].defaults;
  const extra = (env('THRESHOLDS') ?? '').split(',').filter((text) => text.trim() !== '').map(parseThreshold);
  const replaced = new Set(extra.map((threshold) => threshold.metric));
  return {
    baseUrl: (env('BASE_URL') ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    topic: env('TOPIC') ?? `load.${name}`,
    monitorUrl: env('LAG_MONITOR_URL')?.replace(/\/+$/, ''),
    authToken: env('AUTH_TOKEN'),
    params: {
      ...d,
      rate: numberEnv('RATE', d.rate),
      durationMs: durationEnv('DURATION', d.durationMs),
      warmupMs: durationEnv('WARMUP', d.warmupMs),
      stepRate: numberEnv('STEP_RATE', d.stepRate),
      maxRate: numberEnv('MAX_RATE', d.maxRate),
      peakRate: numberEnv('PEAK_RATE', d.peakRate),
      spikeMs: durationEnv('SPIKE', d.spikeMs),
      recoveryMs: durationEnv('RECOVERY', d.recoveryMs),
      shape: { ...d.shape, batchSize: numberEnv('BATCH', d.shape.batchSize), keys: numberEnv('KEYS', d.shape.keys) },
      thresholds: [...d.thresholds.filter((threshold) => !replaced.has(threshold.metric)), ...extra],
    },
  };
}

const K6_THRESHOLD: Partial<Record<Threshold['metric'], (t: Threshold) => [metric: string, expression: string]>> = {
  p95_ms: (t) => ['http_req_duration', `p(95)${t.op}${t.value}`],
  p99_ms: (t) => ['http_req_duration', `p(99)${t.op}${t.value}`],
  error_rate: (t) => ['http_req_failed', `rate${t.op}${t.value}`],
};

function stageName(stage: Stage, index: number): string {
  return `${index}_${stage.phase}`;
}

/**
 * One constant-arrival-rate k6 scenario per stage, started one after another. Thresholds apply
 * to requests outside the warm-up (tag `measured:yes`); ingest-find-max checks each step on its
 * own and aborts at the first that breaks, whose start time is the answer.
 */
export function k6Options(name: ScenarioName, settings: K6Settings): Options {
  const { params } = settings;
  const stages = scenarios[name].stages(params);
  const k6Scenarios: Record<string, Scenario> = {};
  let startMs = 0;
  stages.forEach((stage, index) => {
    // enough VUs for the rate at a latency of up to a second, as k6 advises for arrival rates
    const vus = Math.max(2, Math.ceil(stage.rate));
    k6Scenarios[stageName(stage, index)] = {
      executor: 'constant-arrival-rate',
      rate: stage.rate,
      timeUnit: '1s',
      duration: k6Duration(stage.durationMs),
      startTime: k6Duration(startMs),
      preAllocatedVUs: Math.min(vus, 50),
      maxVUs: vus * 2,
      gracefulStop: '5s',
      exec: 'send',
      tags: { phase: stage.phase, measured: stage.phase === 'warmup' ? 'no' : 'yes' },
    };
    startMs += stage.durationMs;
  });
  if (settings.monitorUrl !== undefined) {
    k6Scenarios.watch_lag_monitor = { executor: 'constant-vus', vus: 1, duration: k6Duration(startMs), exec: 'watch' };
  }

  const thresholds: Record<string, Array<string | { threshold: string; abortOnFail: boolean; delayAbortEval: string }>> = {};
  const add = (metric: string, expression: string | { threshold: string; abortOnFail: boolean; delayAbortEval: string }) => {
    (thresholds[metric] ??= []).push(expression);
  };
  for (const threshold of params.thresholds) {
    const mapping = K6_THRESHOLD[threshold.metric];
    if (mapping === undefined) continue;
    const [metric, expression] = mapping(threshold);
    if (name === 'ingest-find-max') {
      stages.forEach((stage, index) => {
        if (stage.phase === 'step') add(`${metric}{scenario:${stageName(stage, index)}}`, { threshold: expression, abortOnFail: true, delayAbortEval: '5s' });
      });
    } else {
      add(`${metric}{measured:yes}`, expression);
    }
  }
  return { scenarios: k6Scenarios, thresholds, discardResponseBodies: true, summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'] };
}

/** Made once per test by k6's setup(): the producer id that tells this run's records apart. */
export function k6Setup(name: ScenarioName): { producerId: string } {
  return { producerId: `k6-${name}-${Date.now().toString(36)}` };
}

// A VU's requests never share a sequence range with another VU's: ranges of 10^7 iterations.
const ITERATIONS_PER_VU = 10_000_000;

/** One request: the batch the runner would send at this point, posted to the ingest. */
export function k6Send(settings: K6Settings, data: { producerId: string }): void {
  const { batchSize } = settings.params.shape;
  const iteration = exec.vu.idInTest * ITERATIONS_PER_VU + exec.vu.iterationInInstance;
  const body = batchBody(data.producerId, iteration * batchSize, settings.params.shape, Date.now());
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (settings.authToken !== undefined) headers.Authorization = `Bearer ${settings.authToken}`;
  const response = http.post(`${settings.baseUrl}${ingestPath(settings.topic)}`, body, { headers, timeout: '10s' });
  check(response, { 'status is 200': (r) => r.status === 200 });
}

const monitorLag = new Gauge('lag_monitor_total_lag');
const monitorReplicas = new Gauge('lag_monitor_current_replicas');
const monitorDesired = new Gauge('lag_monitor_desired_replicas');

interface MonitorStatus {
  groups?: Array<{ totalLag?: number }>;
  scaling?: { current?: number; desired?: number } | null;
}

/** The watcher: lag-monitor's /status once a second, as k6 gauges (highest lag over the groups). */
export function k6Watch(settings: K6Settings): void {
  const response = http.get(`${settings.monitorUrl ?? ''}/status`, { tags: { name: 'lag-monitor status' }, responseType: 'text' });
  if (response.status === 200 && typeof response.body === 'string') {
    const status = JSON.parse(response.body) as MonitorStatus;
    monitorLag.add(Math.max(0, ...(status.groups ?? []).map((group) => group.totalLag ?? 0)));
    if (status.scaling) {
      monitorReplicas.add(status.scaling.current ?? 0);
      monitorDesired.add(status.scaling.desired ?? 0);
    }
  }
  sleep(1);
}
