import { HEALTH_STATES, type GroupTopicView, type PartitionFigures, type PartitionView, type TopicColumns } from '../model/index.js';
import { emptyVerdictFigures, formatHealthReason, healthCode, RULE_HEALTH } from './health.js';
import { timeToDrainSeconds } from './rates.js';

/**
 * Where each quantity of a group's partition sits in its row of `PartitionFigures.values`; the
 * partition's number, start, end and production rate are the topic's (`offsets`, `productionRates`).
 */
export const PARTITION_FIELD = {
  /** NaN when the group never committed. */
  committed: 0,
  lag: 1,
  consumptionRate: 2,
  timeLagSeconds: 3,
  /**
   * The verdict's rule (index in VERDICT_RULES): the health is the rule's (RULE_HEALTH). With
   * the rest of the verdict's figures, worded only by `partitionViews`; the first committed
   * offset its words name is the committed one (the rules that name it found it unchanged).
   */
  rule: 4,
  samples: 5,
  ruleMs: 6,
  firstLag: 7,
} as const;
export const PARTITION_FIELD_COUNT = 8;

/** A rule of each health (by index in HEALTH_STATES), for views built by hand: advancing, warn, stall, stop. */
const HEALTH_RULE: readonly number[] = [7, 6, 5, 4];

/** The health (index in HEALTH_STATES) of a row's rule. */
export function ruleHealth(rule: number): number {
  return RULE_HEALTH[rule] ?? 0;
}

/**
 * `offsets` and `productionRates`: the topic's, shared with other groups' figures of the same
 * cycle. `values`: where the rows go (`offsets.partition.length` rows of PARTITION_FIELD_COUNT,
 * e.g. a part of a larger block); new by default.
 */
export function createPartitionFigures(
  offsets: TopicColumns,
  productionRates: Float64Array,
  context: { minSamples: number; windowMs: number },
  values: Float64Array = new Float64Array(offsets.partition.length * PARTITION_FIELD_COUNT),
): PartitionFigures {
  return { count: offsets.partition.length, values, offsets, productionRates, minSamples: context.minSamples, windowMs: context.windowMs };
}

/**
 * The figures of a view: derive()'s columns, or for a view built by hand (fixtures) its
 * partitions put in columns once.
 */
export function figuresOf(view: GroupTopicView): PartitionFigures {
  if (view.figures !== undefined) return view.figures;
  const partitions = view.partitions;
  // In the view's own order (topicColumns would sort them).
  const offsets = { partition: Int32Array.from(partitions, (p) => p.partition), start: Float64Array.from(partitions, (p) => p.start), end: Float64Array.from(partitions, (p) => p.end) };
  const figures = createPartitionFigures(offsets, Float64Array.from(partitions, (p) => p.productionRate), { minSamples: 0, windowMs: 0 });
  const v = figures.values;
  const F = PARTITION_FIELD;
  partitions.forEach((p, i) => {
    const row = i * PARTITION_FIELD_COUNT;
    v[row + F.committed] = p.committed ?? Number.NaN;
    v[row + F.lag] = p.lag;
    v[row + F.consumptionRate] = p.consumptionRate;
    v[row + F.timeLagSeconds] = p.timeLagSeconds;
    v[row + F.rule] = HEALTH_RULE[healthCode(p.health)] ?? 7;
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
    verdict.firstCommitted = committed;
    verdict.firstLag = v[row + F.firstLag] as number;
    verdict.lastLag = lag;
    out[i] = {
      partition: figures.offsets.partition[i] as number,
      start: figures.offsets.start[i] as number,
      end: figures.offsets.end[i] as number,
      committed: Number.isNaN(committed) ? null : committed,
      hasCommit: !Number.isNaN(committed),
      lag,
      productionRate: figures.productionRates[i] as number,
      consumptionRate,
      timeToDrainSeconds: timeToDrainSeconds(lag, consumptionRate),
      timeLagSeconds: v[row + F.timeLagSeconds] as number,
      health: HEALTH_STATES[ruleHealth(v[row + F.rule] as number)] ?? 'OK',
      healthReason: formatHealthReason(verdict, context),
    };
  }
  return out;
}

