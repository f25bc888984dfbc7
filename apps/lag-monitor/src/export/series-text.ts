import { healthCode } from '../derive/health.js';
import { figuresOf, PARTITION_FIELD, PARTITION_FIELD_COUNT, ruleHealth } from '../derive/partition-figures.js';
import type { GroupTopicView, PartitionFigures, Snapshot } from '../model/index.js';
import { METRIC_NAMES as M } from './metric-names.js';
import { metricSeconds } from './monitor-view.js';

/**
 * The series read from the broker, rendered as Prometheus text straight from one cycle's views.
 *
 * Not prom-client gauges: at 5,000 partitions × 50 groups these are over a million series, and
 * prom-client keeps a Map entry and a labels object per series, then formats each through a
 * generic path (decision 0022). Here a series is written as bytes into the chunk that is sent
 * (label prefixes encoded once per group/topic), nothing is kept between scrapes, and the text
 * is produced in chunks so a scrape never holds the whole body. The registry (prom-client) keeps
 * every other series; /metrics is its text followed by this.
 *
 * Names, help, labels and types are those the gauges had (kafka_exporter's for `kafka_*`).
 * Validated by Prometheus's own parser (promtool check metrics) in test/metrics-promtool.test.ts.
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
 * A chunk of the body is sent once about this many bytes are written: a few lines more fit in
 * the buffer, which grows only for a line longer than the slack.
 */
const CHUNK_BYTES = 60 * 1024;
const CHUNK_SLACK = 4 * 1024;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
/** 10^0 … 10^15: a safe integer has at most 16 digits. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);
/** "00" … "99" as ASCII byte pairs. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/**
 * Writes the text as bytes straight into a Buffer that becomes the chunk sent: label prefixes are
 * encoded once per group-topic, integers written digit by digit, other numbers from their
 * (ASCII) string. Before (decision 0025) each series was a string, a chunk their join, and the
 * stream encoded it into a Buffer again: three copies of 143 MB per scrape at 5,000 × 50.
 */
class ChunkWriter {
  private buf: Buffer = EMPTY;
  private pos = 0;

  constructor(private readonly pool: ChunkPool) {}

  get size(): number {
    return this.pos;
  }

  /** Makes room for `bytes` more: a chunk Buffer from the pool, or a larger copy for a very long line. */
  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos === 0) {
      this.buf = this.pool.take(bytes);
      return;
    }
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Any text (UTF-8), then a newline. */
  line(text: string): void {
    this.room(Buffer.byteLength(text) + 1);
    this.pos += this.buf.write(text, this.pos, 'utf8');
    this.buf[this.pos++] = NEWLINE;
  }

  /** `prefix`, the integer `partition`, `suffix`, the value and a newline: one series. */
  series(prefix: Uint8Array, partition: number, suffix: Uint8Array, value: number): void {
    this.room(prefix.length + suffix.length + 64);
    this.buf.set(prefix, this.pos);
    this.pos += prefix.length;
    this.integer(partition);
    this.buf.set(suffix, this.pos);
    this.pos += suffix.length;
    if (Number.isSafeInteger(value)) {
      this.integer(value);
    } else {
      // formatValue is ASCII (digits, '.', 'e', sign, Inf, NaN): one byte per character.
      const text = formatValue(value);
      for (let k = 0; k < text.length; k += 1) this.buf[this.pos++] = text.charCodeAt(k);
    }
    this.buf[this.pos++] = NEWLINE;
  }

  /** A safe integer as String() writes it (−0 as 0). */
  private integer(value: number): void {
    let v = value;
    if (v < 0) {
      this.buf[this.pos++] = MINUS;
      v = -v;
    }
    let digits = 1;
    while (digits < POWERS_OF_TEN.length && v >= (POWERS_OF_TEN[digits] as number)) digits += 1;
    // Two digits per division, from a table; exact: below 2^53 the rounding error of v / 100 is
    // far under 0.01.
    let k = this.pos + digits;
    while (v >= 100) {
      const q = Math.floor(v / 100);
      const pair = (v - q * 100) * 2;
      this.buf[--k] = DIGIT_PAIRS[pair + 1] as number;
      this.buf[--k] = DIGIT_PAIRS[pair] as number;
      v = q;
    }
    if (v >= 10) {
      this.buf[k - 1] = DIGIT_PAIRS[v * 2 + 1] as number;
      this.buf[k - 2] = DIGIT_PAIRS[v * 2] as number;
    } else {
      this.buf[k - 1] = ZERO + v;
    }
    this.pos += digits;
  }

  /** The bytes written since the last take, as the next chunk (the next write takes another Buffer); undefined when none. */
  take(): Buffer | undefined {
    if (this.pos === 0) return undefined;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    return chunk;
  }
}

const EMPTY = Buffer.alloc(0);
const CHUNK_BUFFER_BYTES = CHUNK_BYTES + CHUNK_SLACK;

/**
 * Chunk Buffers to fill again: the server hands each chunk back once the socket has taken it
 * (`release`), and the next chunk of this or a later scrape takes it. Without a server that hands
 * chunks back (a stream, `text()`) every chunk is a new Buffer, as before. At most `limit` are
 * kept; a grown Buffer (a line longer than the slack) is not kept.
 */
export class ChunkPool {
  private readonly spare: Buffer[] = [];

  constructor(private readonly limit = 8) {}

  /** A Buffer for a chunk of at least `bytes`. */
  take(bytes: number): Buffer {
    if (bytes <= CHUNK_BUFFER_BYTES) {
      const spare = this.spare.pop();
      if (spare !== undefined) return spare;
    }
    return Buffer.allocUnsafeSlow(Math.max(CHUNK_BUFFER_BYTES, bytes));
  }

  /** Takes back a chunk this pool's Buffers gave once nothing reads it any more. */
  release(chunk: Buffer): void {
    if (chunk.byteOffset !== 0 || chunk.buffer.byteLength !== CHUNK_BUFFER_BYTES || this.spare.length >= this.limit) return;
    this.spare.push(Buffer.from(chunk.buffer, 0, CHUNK_BUFFER_BYTES));
  }

  /** Spare Buffers held now (specs). */
  get size(): number {
    return this.spare.length;
  }
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

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
 * The broker-derived families as Prometheus text (UTF-8), in Buffers of about 60 KB that the
 * stream sends as they are. A failed snapshot gives every family's header and no series: frozen
 * lag would look like a healthy plateau, while absent series let `absent()` alerts and
 * `lag_monitor_up == 0` tell the truth.
 *
 * `defaultLabels` (the registry's, e.g. `app`) go after each series' own labels, as prom-client
 * writes them. Against kafka_exporter: a partition without a commit has no `current_offset`
 * series (it exports −1) and its `lag` follows kafka-core's reset-policy rule (it exports −1).
 */
export function* renderSeriesChunks(
  input: SeriesInput,
  defaultLabels: Readonly<Record<string, string>> = {},
  partitionSeries: PartitionSeries = 'all',
  pool: ChunkPool = new ChunkPool(0),
): Generator<Buffer> {
  const { snapshot } = input;
  const views = snapshot.ok ? input.views : [];
  const topics = snapshot.ok ? snapshot.topics : [];
  const groups = snapshot.ok ? snapshot.groups : [];
  const tail = Object.entries(defaultLabels).map(([k, v]) => `,${k}="${escapeLabelValue(v)}"`).join('');
  const out = new ChunkWriter(pool);
  const F = SERIES_FAMILIES;

  // Label prefixes built once per group/topic and topic: a series then costs a few byte copies.
  const figures = views.map(figuresOf);
  const P = PARTITION_FIELD;
  const groupTopic = views.map((v) => `consumergroup="${escapeLabelValue(v.groupId)}",topic="${escapeLabelValue(v.topic)}"`);
  const partitionSuffix = utf8(`"${tail}} `);
  // Production is a property of the partition, not of a group: one series per topic partition.
  const producedBy = new Map<string, number>();
  views.forEach((v, i) => {
    if (!producedBy.has(v.topic)) producedBy.set(v.topic, i);
  });

  function* flushIfFull(): Generator<Buffer> {
    if (out.size < CHUNK_BYTES) return;
    const chunk = out.take();
    if (chunk !== undefined) yield chunk;
  }
  function* header(f: Family): Generator<Buffer> {
    out.line(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    out.line(`# TYPE ${f.name} gauge`);
    yield* flushIfFull();
  }
  function* perGroupTopic(f: Family, value: (v: GroupTopicView, i: number) => number): Generator<Buffer> {
    yield* header(f);
    for (let i = 0; i < views.length; i += 1) {
      out.line(`${f.name}{${groupTopic[i]}${tail}} ${formatValue(value(views[i] as GroupTopicView, i))}`);
      yield* flushIfFull();
    }
    yield* endFamily();
  }
  // Read straight from each view's columns: a NaN (no commit) writes no series.
  function* perGroupPartition(f: Family, field: number, read: (value: number) => number = same): Generator<Buffer> {
    yield* header(f);
    for (let i = 0; i < views.length; i += 1) {
      const { count, values, offsets } = figures[i] as PartitionFigures;
      const prefix = utf8(`${f.name}{${groupTopic[i]},partition="`);
      for (let k = 0; k < count; k += 1) {
        const v = read(values[k * PARTITION_FIELD_COUNT + field] as number);
        if (!Number.isNaN(v)) out.series(prefix, offsets.partition[k] as number, partitionSuffix, v);
      }
      yield* flushIfFull();
    }
    yield* endFamily();
  }
  function* perTopicPartition(f: Family, field: 'start' | 'end'): Generator<Buffer> {
    yield* header(f);
    for (const t of topics) {
      const prefix = utf8(`${f.name}{topic="${escapeLabelValue(t.topic)}",partition="`);
      for (const p of t.partitions) out.series(prefix, p.partition, partitionSuffix, p[field]);
      yield* flushIfFull();
    }
    yield* endFamily();
  }
  // A blank line between families, as prom-client writes them; a chunk ends where a family does
  // once it is big enough.
  function* endFamily(): Generator<Buffer> {
    out.line('');
    yield* flushIfFull();
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
  yield* perTopicPartition(F.topicPartitionCurrentOffset, 'end');
  yield* perTopicPartition(F.topicPartitionOldestOffset, 'start');
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
  yield* header(F.partitionProductionRate);
  for (const [topic, index] of producedBy) {
    const { count, offsets, productionRates } = figures[index] as PartitionFigures;
    const prefix = utf8(`${F.partitionProductionRate.name}{topic="${escapeLabelValue(topic)}",partition="`);
    for (let k = 0; k < count; k += 1) out.series(prefix, offsets.partition[k] as number, partitionSuffix, productionRates[k] as number);
    yield* flushIfFull();
  }
  yield* endFamily();
  if (derivedPerPartition) {
    yield* perGroupPartition(F.partitionConsumptionRate, P.consumptionRate);
    yield* perGroupPartition(F.partitionHealth, P.rule, ruleHealth);
  }
  const rest = out.take();
  if (rest !== undefined) yield rest;
}

/** The same text as strings (tests, tools): `renderSeriesChunks` decoded chunk by chunk (chunks end at a line). */
export function* renderSeriesText(input: SeriesInput, defaultLabels: Readonly<Record<string, string>> = {}, partitionSeries: PartitionSeries = 'all'): Generator<string> {
  for (const chunk of renderSeriesChunks(input, defaultLabels, partitionSeries)) yield chunk.toString('utf8');
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
