import { healthCode } from '../derive/health.js';
import { figuresOf, PARTITION_FIELD, PARTITION_FIELD_COUNT } from '../derive/partition-figures.js';
import type { GroupTopicView, PartitionFigures, Snapshot } from '../model/index.js';
import { METRIC_NAMES as M } from './metric-names.js';
import { metricSeconds } from './monitor-view.js';

/**
 * The series read from the broker, rendered as Prometheus text straight from one cycle's views.
 *
 * Not prom-client gauges: at 5,000 partitions × 50 groups these are over a million series, and
 * prom-client keeps a Map entry and a labels object per series, then formats each through a
 * generic path (decision 0022). Here a series costs one string while it is written: label
 * prefixes are built once per group/topic, nothing is kept between scrapes, and the text is
 * produced in chunks so a scrape never holds the whole body. The registry (prom-client) keeps
 * every other series; /metrics is its text followed by this.
 *
 * Names, help, labels and types are those the gauges had (kafka_exporter's for `kafka_*`).
 * Validated by Prometheus's own parser (promtool check metrics) in series-text-promtool.test.ts.
 */

const HEALTH_HELP = 'Burrow-style health: 0 OK, 1 WARN (lag growing), 2 STALL (commits stuck with members), 3 STOP (no members, no commits)';

/** One family: the `# HELP` / `# TYPE` header and its series, written by `write`. */
interface Family {
  name: string;
  help: string;
}

const family = (name: string, help: string): Family => ({ name, help });

/** Every broker-derived family, in the order they are written. */
export const SERIES_FAMILIES = {
  consumerGroupLag: family(M.consumerGroupLag, 'Records a consumer group has yet to read on a partition (end offset − committed offset)'),
  consumerGroupLagSum: family(M.consumerGroupLagSum, 'Records a consumer group has yet to read on a topic, summed over its partitions'),
  consumerGroupCurrentOffset: family(M.consumerGroupCurrentOffset, 'Offset a consumer group committed on a partition (absent before its first commit)'),
  consumerGroupCurrentOffsetSum: family(M.consumerGroupCurrentOffsetSum, 'Committed offsets of a consumer group on a topic, summed over its committed partitions'),
  consumerGroupMembers: family(M.consumerGroupMembers, 'Members of a consumer group'),
  topicPartitions: family(M.topicPartitions, 'Partitions of a topic'),
  topicPartitionCurrentOffset: family(M.topicPartitionCurrentOffset, 'Log end offset of a partition (the offset the next record gets)'),
  topicPartitionOldestOffset: family(M.topicPartitionOldestOffset, 'Log start offset of a partition (the oldest record retained)'),
  groupState: family(M.groupState, 'State of a consumer group, 1 on the label of its current state'),
  timeLag: family(M.timeLag, 'Age of the oldest record a group has yet to read on a topic (largest over its partitions), seconds'),
  timeToDrain: family(M.timeToDrain, 'Lag divided by the consumption rate, seconds; +Inf when there is lag and nothing is consumed'),
  productionRate: family(M.productionRate, 'Records per second appended to the topic a group reads, over the evaluation window'),
  consumptionRate: family(M.consumptionRate, 'Records per second a group committed past on a topic, over the evaluation window'),
  health: family(M.health, `${HEALTH_HELP}; the worst of the topic's partitions`),
  uncommittedPartitions: family(M.uncommittedPartitions, 'Partitions of a topic a group never committed on (their lag follows the offset reset policy)'),
  partitionsWithLag: family(M.partitionsWithLag, 'Partitions of a topic where a group has lag'),
  partitionTimeLag: family(M.partitionTimeLag, 'Age of the oldest record a group has yet to read on a partition, seconds'),
  partitionProductionRate: family(M.partitionProductionRate, 'Records appended per second to a partition, over the evaluation window'),
  partitionConsumptionRate: family(M.partitionConsumptionRate, 'Records per second a group committed past on a partition, over the evaluation window'),
  partitionHealth: family(M.partitionHealth, HEALTH_HELP),
} as const;

/** A label value as the text format wants it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

/** A sample value as prom-client writes it: +Inf, -Inf, NaN, or the number. */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/**
 * Joins lines into chunks of about this many characters: below V8's large-object size (128 KB),
 * so a chunk is a young string that dies in a scavenge. At 256 KB every chunk went to the old
 * generation's large-object space: 183 MB of old garbage per scrape at 5,000 × 50, which let
 * the heap grow by that much before a full collection (decision 0022).
 */
const CHUNK_CHARS = 60 * 1024;

interface ChunkWriter {
  line(text: string): void;
  /** Lines written since the last take, as one string ending in a newline; '' when none. */
  take(): string;
  readonly size: number;
}

function chunkWriter(): ChunkWriter {
  let lines: string[] = [];
  let size = 0;
  return {
    line(text) {
      lines.push(text);
      size += text.length + 1;
    },
    take() {
      if (lines.length === 0) return '';
      const text = `${lines.join('\n')}\n`;
      lines = [];
      size = 0;
      return text;
    },
    get size() {
      return size;
    },
  };
}

/**
 * Which per group-partition families /metrics carries: `all`, or `offsets` (kafka_exporter's
 * lag and current offset only; the per-partition time lag, consumption rate and health stay in
 * /status). At 5,000 partitions × 50 groups `offsets` leaves out 750,000 of 1.38 M series.
 */
export const PARTITION_SERIES = ['all', 'offsets'] as const;
export type PartitionSeries = (typeof PARTITION_SERIES)[number];

export interface SeriesInput {
  snapshot: Snapshot;
  /** Views of the latest ok cycle (groups the broker does not know left out). */
  views: readonly GroupTopicView[];
}

/**
 * The broker-derived families as Prometheus text, in chunks of about 60 KB. A failed snapshot
 * gives every family's header and no series: frozen lag would look like a healthy plateau, while
 * absent series let `absent()` alerts and `lag_monitor_up == 0` tell the truth.
 *
 * `defaultLabels` (the registry's, e.g. `app`) go after each series' own labels, as prom-client
 * writes them. Against kafka_exporter: a partition without a commit has no `current_offset`
 * series (it exports −1) and its `lag` follows kafka-core's reset-policy rule (it exports −1).
 */
export function* renderSeriesText(input: SeriesInput, defaultLabels: Readonly<Record<string, string>> = {}, partitionSeries: PartitionSeries = 'all'): Generator<string> {
  const { snapshot } = input;
  const views = snapshot.ok ? input.views : [];
  const topics = snapshot.ok ? snapshot.topics : [];
  const groups = snapshot.ok ? snapshot.groups : [];
  const tail = Object.entries(defaultLabels).map(([k, v]) => `,${k}="${escapeLabelValue(v)}"`).join('');
  const out = chunkWriter();
  const F = SERIES_FAMILIES;

  // Label prefixes built once per group/topic and topic: a series then costs one concatenation.
  const figures = views.map(figuresOf);
  const P = PARTITION_FIELD;
  const groupTopic = views.map((v) => `consumergroup="${escapeLabelValue(v.groupId)}",topic="${escapeLabelValue(v.topic)}"`);
  // Production is a property of the partition, not of a group: one series per topic partition.
  const producedBy = new Map<string, number>();
  views.forEach((v, i) => {
    if (!producedBy.has(v.topic)) producedBy.set(v.topic, i);
  });

  function* header(f: Family): Generator<string> {
    out.line(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    out.line(`# TYPE ${f.name} gauge`);
    if (out.size >= CHUNK_CHARS) yield out.take();
  }
  function* perGroupTopic(f: Family, value: (v: GroupTopicView, i: number) => number): Generator<string> {
    yield* header(f);
    for (let i = 0; i < views.length; i += 1) {
      out.line(`${f.name}{${groupTopic[i]}${tail}} ${formatValue(value(views[i] as GroupTopicView, i))}`);
      if (out.size >= CHUNK_CHARS) yield out.take();
    }
    yield* endFamily();
  }
  // Read straight from each view's columns: a NaN (no commit) writes no series.
  function* perGroupPartition(f: Family, field: number): Generator<string> {
    yield* header(f);
    for (let i = 0; i < views.length; i += 1) {
      const { count, values } = figures[i] as PartitionFigures;
      const prefix = `${f.name}{${groupTopic[i]},partition="`;
      const suffix = `"${tail}} `;
      for (let row = 0; row < count * PARTITION_FIELD_COUNT; row += PARTITION_FIELD_COUNT) {
        const v = values[row + field] as number;
        if (!Number.isNaN(v)) out.line(`${prefix}${values[row + P.partition] as number}${suffix}${formatValue(v)}`);
      }
      if (out.size >= CHUNK_CHARS) yield out.take();
    }
    yield* endFamily();
  }
  function* perTopicPartition(f: Family, each: (emit: (topic: string, partition: number, value: number) => void) => void): Generator<string> {
    yield* header(f);
    let current = '';
    let prefix = '';
    const suffix = `"${tail}} `;
    each((topic, partition, value) => {
      if (topic !== current) {
        current = topic;
        prefix = `${f.name}{topic="${escapeLabelValue(topic)}",partition="`;
      }
      out.line(`${prefix}${partition}${suffix}${formatValue(value)}`);
    });
    yield* endFamily();
  }
  // A blank line between families, as prom-client writes them; a chunk ends where a family does
  // once it is big enough.
  function* endFamily(): Generator<string> {
    out.line('');
    if (out.size >= CHUNK_CHARS) yield out.take();
  }

  yield* perGroupPartition(F.consumerGroupLag, P.lag);
  yield* perGroupTopic(F.consumerGroupLagSum, (v) => v.totalLag);
  yield* perGroupPartition(F.consumerGroupCurrentOffset, P.committed);
  yield* perGroupTopic(F.consumerGroupCurrentOffsetSum, (_v, i) => committedSum(figures[i] as PartitionFigures));
  yield* header(F.consumerGroupMembers);
  for (const g of groups) out.line(`${F.consumerGroupMembers.name}{consumergroup="${escapeLabelValue(g.groupId)}"${tail}} ${g.members}`);
  yield* endFamily();
  yield* header(F.topicPartitions);
  for (const t of topics) out.line(`${F.topicPartitions.name}{topic="${escapeLabelValue(t.topic)}"${tail}} ${t.partitions.length}`);
  yield* endFamily();
  yield* perTopicPartition(F.topicPartitionCurrentOffset, (emit) => {
    for (const t of topics) for (const p of t.partitions) emit(t.topic, p.partition, p.end);
  });
  yield* perTopicPartition(F.topicPartitionOldestOffset, (emit) => {
    for (const t of topics) for (const p of t.partitions) emit(t.topic, p.partition, p.start);
  });
  yield* header(F.groupState);
  for (const g of groups) out.line(`${F.groupState.name}{consumergroup="${escapeLabelValue(g.groupId)}",state="${g.state}"${tail}} 1`);
  yield* endFamily();
  yield* perGroupTopic(F.timeLag, (v) => v.maxTimeLagSeconds);
  yield* perGroupTopic(F.timeToDrain, (v) => metricSeconds(v.timeToDrainSeconds));
  yield* perGroupTopic(F.productionRate, (v) => v.productionRate);
  yield* perGroupTopic(F.consumptionRate, (v) => v.consumptionRate);
  yield* perGroupTopic(F.health, (v) => healthCode(v.health));
  yield* perGroupTopic(F.uncommittedPartitions, (v) => v.uncommittedPartitions);
  yield* perGroupTopic(F.partitionsWithLag, (v) => v.partitionsWithLag);
  const derivedPerPartition = partitionSeries === 'all';
  if (derivedPerPartition) yield* perGroupPartition(F.partitionTimeLag, P.timeLagSeconds);
  yield* perTopicPartition(F.partitionProductionRate, (emit) => {
    for (const [topic, index] of producedBy) {
      const { count, values } = figures[index] as PartitionFigures;
      for (let row = 0; row < count * PARTITION_FIELD_COUNT; row += PARTITION_FIELD_COUNT) emit(topic, values[row + P.partition] as number, values[row + P.productionRate] as number);
    }
  });
  if (derivedPerPartition) {
    yield* perGroupPartition(F.partitionConsumptionRate, P.consumptionRate);
    yield* perGroupPartition(F.partitionHealth, P.health);
  }
  const rest = out.take();
  if (rest !== '') yield rest;
}

function committedSum({ count, values }: PartitionFigures): number {
  let sum = 0;
  for (let row = 0; row < count * PARTITION_FIELD_COUNT; row += PARTITION_FIELD_COUNT) {
    const committed = values[row + PARTITION_FIELD.committed] as number;
    if (!Number.isNaN(committed)) sum += committed;
  }
  return sum;
}
