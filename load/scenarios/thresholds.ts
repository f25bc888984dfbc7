// Thresholds of a scenario: `p95_ms<50`, `error_rate<0.01`. Plain TypeScript shared with the k6
// scripts. Evaluating one is a pure function of the run's figures.

/** What a threshold may name, with what it means; the same words are the report's figure names. */
export const THRESHOLD_METRICS = {
  p95_ms: 'ingest request latency p95 (ms), after warm-up',
  p99_ms: 'ingest request latency p99 (ms), after warm-up',
  error_rate: 'share of requests not answered 200 (timeouts included), after warm-up',
  dropped_rate: 'share of scheduled requests the load generator could not send on time',
  held_records_per_s: 'ingest-find-max: highest records/s of a step that held every step threshold',
  e2e_p50_ms: 'pipeline: ingest time to output append time, p50 (ms)',
  e2e_p95_ms: 'pipeline: ingest time to output append time, p95 (ms)',
  e2e_p99_ms: 'pipeline: ingest time to output append time, p99 (ms)',
  e2e_missing: 'pipeline: records acknowledged by the ingest with no output record',
  time_to_scale_s: 'burst: spike start until the group has the replicas the spike needs (s)',
  time_to_drain_s: 'burst: spike end until the lag is back to the drained level (s)',
} as const;

export type ThresholdMetric = keyof typeof THRESHOLD_METRICS;
export const THRESHOLD_OPS = ['<', '<=', '>', '>='] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

export interface Threshold {
  metric: ThresholdMetric;
  op: ThresholdOp;
  value: number;
}

export interface ThresholdResult {
  threshold: Threshold;
  /** The figure the threshold was checked against; undefined when the run did not produce it. */
  actual: number | undefined;
  ok: boolean;
}

const PATTERN = /^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;

function isMetric(name: string): name is ThresholdMetric {
  return Object.prototype.hasOwnProperty.call(THRESHOLD_METRICS, name);
}

/** `p95_ms<50` → a threshold; throws a message naming what is wrong. */
export function parseThreshold(text: string): Threshold {
  const match = PATTERN.exec(text);
  if (match === null) throw new Error(`threshold "${text}" must look like metric<value, e.g. p95_ms<50`);
  const [, metric = '', op = '<', value = ''] = match;
  if (!isMetric(metric)) {
    throw new Error(`threshold "${text}" names an unknown metric "${metric}"; known: ${Object.keys(THRESHOLD_METRICS).join(', ')}`);
  }
  return { metric, op: op as ThresholdOp, value: Number(value) };
}

export function formatThreshold(threshold: Threshold): string {
  return `${threshold.metric}${threshold.op}${threshold.value}`;
}

function holds(actual: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
  }
}

/**
 * Checks each threshold against the figures. A figure the run did not produce fails its
 * threshold: a run that measured nothing has not shown that it holds.
 */
export function checkThresholds(thresholds: readonly Threshold[], figures: Readonly<Partial<Record<ThresholdMetric, number>>>): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = figures[threshold.metric];
    return { threshold, actual, ok: actual !== undefined && Number.isFinite(actual) && holds(actual, threshold.op, threshold.value) };
  });
}

/** Replaces thresholds on the same metric and adds new ones: `--threshold` overrides a definition's. */
export function mergeThresholds(base: readonly Threshold[], overrides: readonly Threshold[]): Threshold[] {
  const replaced = new Set(overrides.map((t) => t.metric));
  return [...base.filter((t) => !replaced.has(t.metric)), ...overrides];
}
