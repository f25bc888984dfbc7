import { HEALTH_STATES, type GroupTopicView, type PartitionFigures, type PartitionView } from '../model/index.js';
import { emptyVerdictFigures, formatHealthReason, healthCode } from './health.js';
import { timeToDrainSeconds } from './rates.js';

/** Where each quantity of a partition sits in its row of `PartitionFigures.values`. */
export const PARTITION_FIELD = {
  partition: 0,
  start: 1,
  end: 2,
  /** NaN when the group never committed. */
  committed: 3,
  lag: 4,
  productionRate: 5,
  consumptionRate: 6,
  timeLagSeconds: 7,
  /** Index in HEALTH_STATES. */
  health: 8,
  /** The verdict's figures (VerdictFigures), worded only by `partitionViews`. */
  rule: 9,
  samples: 10,
  ruleMs: 11,
  firstCommitted: 12,
  firstLag: 13,
} as const;
export const PARTITION_FIELD_COUNT = 14;

/** `values`: where the rows go (`count` rows of PARTITION_FIELD_COUNT, e.g. a part of a larger block); new by default. */
export function createPartitionFigures(
  count: number,
  context: { minSamples: number; windowMs: number },
  values: Float64Array = new Float64Array(count * PARTITION_FIELD_COUNT),
): PartitionFigures {
  return { count, values, minSamples: context.minSamples, windowMs: context.windowMs };
}

/**
 * The figures of a view: derive()'s columns, or for a view built by hand (fixtures) its
 * partitions put in columns once.
 */
export function figuresOf(view: GroupTopicView): PartitionFigures {
  if (view.figures !== undefined) return view.figures;
  const partitions = view.partitions;
  const figures = createPartitionFigures(partitions.length, { minSamples: 0, windowMs: 0 });
  const v = figures.values;
  const F = PARTITION_FIELD;
  partitions.forEach((p, i) => {
    const row = i * PARTITION_FIELD_COUNT;
    v[row + F.partition] = p.partition;
    v[row + F.start] = p.start;
    v[row + F.end] = p.end;
    v[row + F.committed] = p.committed ?? Number.NaN;
    v[row + F.lag] = p.lag;
    v[row + F.productionRate] = p.productionRate;
    v[row + F.consumptionRate] = p.consumptionRate;
    v[row + F.timeLagSeconds] = p.timeLagSeconds;
    v[row + F.health] = healthCode(p.health);
  });
  return figures;
}

/** One object per partition, reason worded: what /status and the specs read. Built on each call. */
export function partitionViews(figures: PartitionFigures, members: number): PartitionView[] {
  const v = figures.values;
  const F = PARTITION_FIELD;
  const verdict = emptyVerdictFigures();
  const context = { minSamples: figures.minSamples, windowMs: figures.windowMs, members };
  const out: PartitionView[] = new Array(figures.count);
  for (let i = 0; i < figures.count; i += 1) {
    const row = i * PARTITION_FIELD_COUNT;
    const committed = v[row + F.committed] as number;
    const lag = v[row + F.lag] as number;
    const consumptionRate = v[row + F.consumptionRate] as number;
    verdict.rule = v[row + F.rule] as number;
    verdict.samples = v[row + F.samples] as number;
    verdict.ms = v[row + F.ruleMs] as number;
    verdict.firstCommitted = v[row + F.firstCommitted] as number;
    verdict.firstLag = v[row + F.firstLag] as number;
    verdict.lastLag = lag;
    out[i] = {
      partition: v[row + F.partition] as number,
      start: v[row + F.start] as number,
      end: v[row + F.end] as number,
      committed: Number.isNaN(committed) ? null : committed,
      hasCommit: !Number.isNaN(committed),
      lag,
      productionRate: v[row + F.productionRate] as number,
      consumptionRate,
      timeToDrainSeconds: timeToDrainSeconds(lag, consumptionRate),
      timeLagSeconds: v[row + F.timeLagSeconds] as number,
      health: HEALTH_STATES[v[row + F.health] as number] ?? 'OK',
      healthReason: formatHealthReason(verdict, context),
    };
  }
  return out;
}

