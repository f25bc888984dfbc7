import { AppError } from '@lagscale/kafka-core/errors';

/**
 * Where to move a group's committed offsets, as Kafka's `kafka-consumer-groups --reset-offsets`
 * names them. Every target is clamped into [log start, log end] as Kafka's tool does.
 */
export type ResetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'shift'; by: number }
  | { kind: 'datetime'; timestampMs: number };

/** One partition as the plan sees it: its log bounds and the group's committed offset. */
export interface PartitionOffsets {
  topic: string;
  partition: number;
  start: number;
  end: number;
  /** Next offset the group reads, or null when it never committed here. */
  committed: number | null;
  /**
   * For `datetime` only: the first offset whose record timestamp is at or after the time, or
   * null when no record is that recent (the target is then the log end, as in Kafka's tool).
   */
  offsetForTime?: number | null;
}

export interface PartitionReset {
  topic: string;
  partition: number;
  start: number;
  end: number;
  current: number | null;
  target: number;
  /** Records already behind the group that it will read again: [target, current). */
  reprocess: number;
  /** Records the group will never read: [current, target). */
  skip: number;
  /** Records left to read after the reset: end − target. */
  lagAfter: number;
}

/** `topic` → partitions chosen (null: every partition of the topic). */
export type PartitionSelection = ReadonlyMap<string, readonly number[] | null>;

function clamp(value: number, start: number, end: number): number {
  return Math.min(Math.max(value, start), end);
}

function requested(p: PartitionOffsets, spec: ResetSpec): number {
  switch (spec.kind) {
    case 'earliest':
      return p.start;
    case 'latest':
      return p.end;
    case 'offset':
      return spec.offset;
    case 'datetime':
      return p.offsetForTime ?? p.end;
    case 'shift':
      if (p.committed === null) {
        throw new AppError('OFFSET_INVALID', `cannot shift ${p.topic}:${p.partition}: the group has no committed offset there (use --to-earliest, --to-latest, --to-offset or --to-datetime)`, { retriable: false });
      }
      return p.committed + spec.by;
  }
}

/** The new offset of every partition, with what the move means for the group. Pure. */
export function planReset(partitions: readonly PartitionOffsets[], spec: ResetSpec): PartitionReset[] {
  return partitions.map((p) => {
    const target = clamp(requested(p, spec), p.start, p.end);
    const current = p.committed;
    return {
      topic: p.topic,
      partition: p.partition,
      start: p.start,
      end: p.end,
      current,
      target,
      reprocess: current !== null && target < current ? current - target : 0,
      skip: current !== null && target > current ? target - current : 0,
      lagAfter: p.end - target,
    };
  });
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A `--to-datetime` value: ISO 8601 (`2026-12-07T04:00:00.000`, with `Z` or `±hh:mm`; without a
 * zone it is local time, as in Kafka's tool) or epoch milliseconds.
 */
export function parseDatetime(raw: string): number {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const zoned = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = DATETIME.test(text) ? Date.parse(zoned) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new AppError('OFFSET_INVALID', `--to-datetime must be an ISO 8601 time such as 2026-12-07T04:00:00.000Z (no zone: local time) or epoch milliseconds (got "${raw}")`, { retriable: false });
  }
  return ms;
}

function integer(raw: string, flag: string, min: number): number {
  const value = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new AppError('OFFSET_INVALID', `${flag} must be an integer${min === 0 ? ' ≥ 0' : ''} (got "${raw}")`, { retriable: false });
  }
  return value;
}

export interface ResetFlags {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
}

/** The one reset the flags ask for, or null (show offsets only). Two or more: an error. */
export function resetSpecFromFlags(flags: ResetFlags): ResetSpec | null {
  const specs: Array<[string, () => ResetSpec]> = [];
  if (flags.toEarliest === true) specs.push(['--to-earliest', () => ({ kind: 'earliest' })]);
  if (flags.toLatest === true) specs.push(['--to-latest', () => ({ kind: 'latest' })]);
  if (flags.toOffset !== undefined) specs.push(['--to-offset', () => ({ kind: 'offset', offset: integer(flags.toOffset!, '--to-offset', 0) })]);
  if (flags.shiftBy !== undefined) specs.push(['--shift-by', () => ({ kind: 'shift', by: integer(flags.shiftBy!, '--shift-by', Number.MIN_SAFE_INTEGER) })]);
  if (flags.toDatetime !== undefined) specs.push(['--to-datetime', () => ({ kind: 'datetime', timestampMs: parseDatetime(flags.toDatetime!) })]);
  if (specs.length > 1) {
    throw new AppError('OFFSET_INVALID', `give one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime (got ${specs.map(([flag]) => flag).join(', ')})`, { retriable: false });
  }
  return specs[0]?.[1]() ?? null;
}

function partitionList(raw: string, where: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new AppError('OFFSET_INVALID', `${where} must list partition numbers separated by commas, such as 0,2 (got "${raw}")`, { retriable: false });
  }
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

/**
 * Which partitions to show or reset, from `--topic` values (`orders`, or `orders:0,2` as in
 * Kafka's tool) and `--partitions 0,2`, which narrows every topic given without its own list.
 */
export function parseSelection(topics: readonly string[], partitions?: string): PartitionSelection {
  const narrowed = partitions === undefined ? null : partitionList(partitions, '--partitions');
  const selection = new Map<string, number[] | null>();
  for (const value of topics) {
    const at = value.lastIndexOf(':');
    const topic = at === -1 ? value : value.slice(0, at);
    if (topic.trim() === '') throw new AppError('OFFSET_INVALID', `--topic needs a topic name (got "${value}")`, { retriable: false });
    const own = at === -1 ? narrowed : partitionList(value.slice(at + 1), `--topic ${topic}:…`);
    const before = selection.get(topic);
    // Naming a topic twice adds its partitions up; once without a list means all of them.
    selection.set(topic, before === null || own === null ? null : [...new Set([...(before ?? []), ...own])].sort((a, b) => a - b));
  }
  return selection;
}

/** Partitions the selection names that the topic does not have (an error to report). */
export function missingPartitions(selection: PartitionSelection, partitionsByTopic: ReadonlyMap<string, readonly number[]>): string[] {
  const missing: string[] = [];
  for (const [topic, chosen] of selection) {
    const existing = new Set(partitionsByTopic.get(topic) ?? []);
    for (const p of chosen ?? []) if (!existing.has(p)) missing.push(`${topic}:${p}`);
  }
  return missing;
}
