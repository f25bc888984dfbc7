// The k6 side of a scenario definition (load/scenarios): the settings a script takes from its
// environment and the k6 options it runs with. No k6 runtime module is imported here (types only),
// so the mapping is unit-tested in Node; k6-scenario.ts holds what runs inside k6.
import type { Options, Scenario } from 'k6/options';
import { k6Duration, parseDuration } from '../scenarios/duration.ts';
import { isMeasured, scenarios, type ScenarioName, type ScenarioParams, type Stage } from '../scenarios/scenarios.ts';
import { parseThreshold, type Threshold } from '../scenarios/thresholds.ts';

/** `__ENV` in a k6 script. */
export type K6Env = Record<string, string | undefined>;

/** Settings from `k6 run -e NAME=value`. */
export interface K6Settings {
  baseUrl: string;
  topic: string;
  /** lag-monitor's base URL: when set, a watcher records its lag and replicas as k6 metrics. */
  monitorUrl: string | undefined;
  authToken: string | undefined;
  params: ScenarioParams;
}

/** The definition's defaults with the same overrides the runner's flags offer (RATE, DURATION, …). */
export function k6Settings(name: ScenarioName, vars: K6Env): K6Settings {
  const env = (key: string): string | undefined => {
    const value = vars[key];
    return value === undefined || value === '' ? undefined : value;
  };
  const numberEnv = (key: string, fallback: number): number => {
    const raw = env(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${key} must be a non-negative number (got "${raw}")`);
    return value;
  };
  const durationEnv = (key: string, fallback: number): number => {
    const raw = env(key);
    return raw === undefined ? fallback : parseDuration(raw);
  };
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
      settleMs: durationEnv('SETTLE', d.settleMs),
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
      tags: { phase: stage.phase, measured: isMeasured(stage.phase) ? 'yes' : 'no' },
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
