// The four load scenarios, defined once: their parameters, the stages they drive and their
// thresholds. The k6 scripts in load/k6 and the vegeta runner in load/runner both read these.
// Plain TypeScript with no Node APIs (k6 runs it too).
import { defaultRecordShape, type RecordShape } from './batch-body.ts';
import { parseThreshold, type Threshold } from './thresholds.ts';

export const SCENARIO_NAMES = ['ingest-constant', 'ingest-find-max', 'pipeline-e2e', 'burst'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** A stretch of constant arrival rate. Rates are requests per second; each request carries `batchSize` records. */
export interface Stage {
  /**
   * warmup (before the first measured stage) and settle (find-max: the seconds at a step's rate
   * before the step is measured) are reported apart and never held against a threshold.
   */
  phase: 'warmup' | 'settle' | 'main' | 'step' | 'base' | 'spike' | 'recovery';
  label: string;
  rate: number;
  durationMs: number;
}

/** Everything a run can be told; each scenario uses the fields it names in its definition. */
export interface ScenarioParams {
  /** Requests per second: the constant rate, find-max's first step, burst's base rate. */
  rate: number;
  /** Main phase (find-max: each step). */
  durationMs: number;
  warmupMs: number;
  /** ingest-find-max: how long each step's rate runs before the step is measured (0 for none). */
  settleMs: number;
  shape: RecordShape;
  partitions: number;
  /** ingest-find-max: rate added per step, and the last step's rate. */
  stepRate: number;
  maxRate: number;
  /** burst: the spike's rate and length, and how long the base rate runs after it at most. */
  peakRate: number;
  spikeMs: number;
  recoveryMs: number;
  /** pipeline-e2e and burst: the consumer fleet. */
  consumerThreads: number;
  handler: string;
  handlerOptions: string;
  maxReplicas: number;
  /** burst: records/s one replica drains with this handler (sizes the replicas the spike needs). */
  throughputPerReplica: number;
  /** Kafka acknowledgement the ingest waits for. */
  acks: 'all' | '1';
  thresholds: Threshold[];
}

export interface ScenarioDefinition {
  name: ScenarioName;
  summary: string;
  /** What the runner starts besides the broker and the ingest. */
  needs: { consumers: boolean; monitor: boolean; scaling: boolean };
  defaults: ScenarioParams;
  /** The stages, in order, for these parameters (pure). */
  stages(params: ScenarioParams): Stage[];
}

const common = {
  rate: 100,
  durationMs: 30_000,
  warmupMs: 10_000,
  settleMs: 0,
  shape: defaultRecordShape,
  partitions: 6,
  stepRate: 100,
  maxRate: 2_000,
  peakRate: 50,
  spikeMs: 30_000,
  recoveryMs: 120_000,
  consumerThreads: 2,
  handler: 'io-wait',
  handlerOptions: 'waitMs=0',
  maxReplicas: 6,
  throughputPerReplica: 450,
  acks: 'all',
  thresholds: [],
} satisfies ScenarioParams;

const t = (...texts: string[]): Threshold[] => texts.map(parseThreshold);

const warmup = (params: ScenarioParams, rate: number): Stage[] =>
  params.warmupMs > 0 ? [{ phase: 'warmup', label: 'warm-up', rate, durationMs: params.warmupMs }] : [];

export const scenarios: Record<ScenarioName, ScenarioDefinition> = {
  'ingest-constant': {
    name: 'ingest-constant',
    summary: 'Constant arrival rate of batches against the HTTP ingest; latency, errors and dropped requests',
    needs: { consumers: false, monitor: false, scaling: false },
    defaults: { ...common, rate: 300, thresholds: t('p95_ms<50', 'p99_ms<200', 'error_rate<0.01', 'dropped_rate<0.01') },
    stages: (p) => [...warmup(p, p.rate), { phase: 'main', label: `${p.rate} req/s`, rate: p.rate, durationMs: p.durationMs }],
  },
  'ingest-find-max': {
    name: 'ingest-find-max',
    summary: 'Steps the arrival rate until a threshold breaks; reports the highest rate that held',
    needs: { consumers: false, monitor: false, scaling: false },
    defaults: {
      ...common,
      rate: 100,
      stepRate: 100,
      maxRate: 1_500,
      durationMs: 15_000,
      settleMs: 5_000,
      thresholds: t('p95_ms<50', 'error_rate<0.01', 'dropped_rate<0.01', 'held_records_per_s>0'),
    },
    stages: (p) => {
      const steps: Stage[] = [];
      for (let rate = p.rate; rate <= p.maxRate; rate += p.stepRate) {
        // the server meets each new rate for a while (connections, heap sizing, the broker's
        // JIT) before the step is judged on its steady state; the settle's figures are kept apart
        if (p.settleMs > 0) steps.push({ phase: 'settle', label: `settle ${rate} req/s`, rate, durationMs: p.settleMs });
        steps.push({ phase: 'step', label: `${rate} req/s`, rate, durationMs: p.durationMs });
        if (p.stepRate <= 0) break;
      }
      return [...warmup(p, p.rate), ...steps];
    },
  },
  'pipeline-e2e': {
    name: 'pipeline-e2e',
    summary: 'ingest → Kafka → consumer-worker → output topic: per-record latency from ingest to output append, with lag-monitor watching',
    needs: { consumers: true, monitor: true, scaling: false },
    defaults: {
      ...common,
      rate: 150,
      thresholds: t('e2e_p95_ms<1000', 'e2e_missing<=0', 'p95_ms<50', 'error_rate<0.01', 'dropped_rate<0.01'),
    },
    stages: (p) => [...warmup(p, p.rate), { phase: 'main', label: `${p.rate} req/s`, rate: p.rate, durationMs: p.durationMs }],
  },
  burst: {
    name: 'burst',
    summary: 'A spike that makes lag-monitor scale consumer-worker replicas; time to scale and time to drain',
    needs: { consumers: true, monitor: true, scaling: true },
    defaults: {
      ...common,
      shape: { ...defaultRecordShape, batchSize: 50 },
      rate: 4,
      peakRate: 50,
      spikeMs: 30_000,
      durationMs: 10_000,
      warmupMs: 10_000,
      handlerOptions: 'waitMs=2',
      consumerThreads: 1,
      partitions: 8,
      maxReplicas: 8,
      thresholds: t('time_to_scale_s<60', 'time_to_drain_s<120', 'error_rate<0.01'),
    },
    // warm-up at the base rate (one replica joins), base, spike, then base again while it drains
    stages: (p) => [
      ...warmup(p, p.rate),
      { phase: 'base', label: `base ${p.rate} req/s`, rate: p.rate, durationMs: p.durationMs },
      { phase: 'spike', label: `spike ${p.peakRate} req/s`, rate: p.peakRate, durationMs: p.spikeMs },
      { phase: 'recovery', label: `base ${p.rate} req/s`, rate: p.rate, durationMs: p.recoveryMs },
    ],
  },
};

/** Whether a stage's requests count in the measured figures (warm-up and settle do not). */
export function isMeasured(phase: Stage['phase']): boolean {
  return phase !== 'warmup' && phase !== 'settle';
}

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** Records per second of a stage. */
export function recordsPerSecond(stage: Stage, shape: RecordShape): number {
  return stage.rate * shape.batchSize;
}
