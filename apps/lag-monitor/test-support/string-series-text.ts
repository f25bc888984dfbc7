import { healthCode } from '../src/derive/health.js';
import { figuresOf, PARTITION_FIELD, PARTITION_FIELD_COUNT, ruleHealth } from '../src/derive/partition-figures.js';
import { metricSeconds } from '../src/export/monitor-view.js';
import { escapeLabelValue, formatValue, SERIES_FAMILIES, type PartitionSeries, type SeriesInput } from '../src/export/series-text.js';
import type { GroupTopicView, PartitionFigures } from '../src/model/index.js';

/**
 * The broker-derived series as decision 0025 rendered them: one string per series, joined into
 * ~60 KB string chunks. `renderSeriesChunks` (bytes written into Buffers) must match it
 * byte for byte (series-chunks.spec.ts); kept only for that comparison.
 */

type Family = { name: string; help: string };

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

export function* renderSeriesStrings(input: SeriesInput, defaultLabels: Readonly<Record<string, string>> = {}, partitionSeries: PartitionSeries = 'all'): Generator<string> {
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
  function* perGroupPartition(f: Family, field: number, read: (value: number) => number = same): Generator<string> {
    yield* header(f);
    for (let i = 0; i < views.length; i += 1) {
      const { count, values, offsets } = figures[i] as PartitionFigures;
      const prefix = `${f.name}{${groupTopic[i]},partition="`;
      const suffix = `"${tail}} `;
      for (let k = 0; k < count; k += 1) {
        const v = read(values[k * PARTITION_FIELD_COUNT + field] as number);
        if (!Number.isNaN(v)) out.line(`${prefix}${offsets.partition[k] as number}${suffix}${formatValue(v)}`);
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
      const { count, offsets, productionRates } = figures[index] as PartitionFigures;
      for (let k = 0; k < count; k += 1) emit(topic, offsets.partition[k] as number, productionRates[k] as number);
    }
  });
  if (derivedPerPartition) {
    yield* perGroupPartition(F.partitionConsumptionRate, P.consumptionRate);
    yield* perGroupPartition(F.partitionHealth, P.rule, ruleHealth);
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

function same(value: number): number {
  return value;
}
