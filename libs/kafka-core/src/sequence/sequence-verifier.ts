import { AppError } from '../errors/app-error.js';
import { PagedBitset, type IntRange } from './paged-bitset.js';
import { displayKey, keyId, type SequenceKey } from './record-key.js';
import type { SequenceStamp } from './sequence-headers.js';

/** One record as the verifier sees it: its stamp and where it was read. */
export interface SequencedRecord extends SequenceStamp {
  key: SequenceKey;
  partition: number;
  offset: string | number;
}

/**
 * How many records were sent: per producer id (so loss at a producer's tail and producers that
 * lost everything are found), or one total over all producers (checked only as a sum).
 */
export type ExpectedCounts = Readonly<Record<string, number>> | number;

export interface SequenceVerifierOptions {
  expected?: ExpectedCounts;
  /** Anomalies kept as examples, per producer. */
  maxExamples: number;
  /** Missing ranges listed, per producer; the gap count is always exact. */
  maxMissingRanges: number;
}

export const defaultSequenceVerifierOptions = {
  maxExamples: 10,
  maxMissingRanges: 20,
} satisfies Partial<SequenceVerifierOptions>;

/** A duplicate or a key order violation, with where it was read. */
export interface SequenceAnomaly {
  kind: 'duplicate' | 'key-order';
  seq: number;
  keySeq: number;
  key: string | null;
  partition: number;
  offset: string;
  /** For `key-order`: the highest keySeq of the key already read from that partition. */
  highestKeySeq?: number;
}

export interface ProducerSequenceReport {
  producerId: string;
  /** Distinct sequence numbers read. */
  seen: number;
  /** Records read, duplicates included. */
  total: number;
  /** Records whose sequence number was read before (at-least-once redelivery). */
  duplicates: number;
  /** Sequence numbers never read in [0, expected) or, without an expectation, [0, maxSeq]. */
  gaps: number;
  missingRanges: IntRange[];
  /** More missing ranges exist than `missingRanges` lists. */
  missingRangesTruncated: boolean;
  /** Highest sequence number read, null when none was. */
  maxSeq: number | null;
  expected: number | null;
  /** Distinct sequence numbers at or above `expected`: the producer sent more than announced. */
  beyondExpected: number;
  keyOrderViolations: number;
  examples: SequenceAnomaly[];
}

export interface SequenceTotals {
  producers: number;
  seen: number;
  total: number;
  duplicates: number;
  gaps: number;
  keyOrderViolations: number;
  /** Records without a readable sequence stamp. */
  unsequenced: number;
  /** The expected total over all producers (a number `expected`, or the sum of a per-producer one). */
  expected: number | null;
  /** expected − seen when positive: loss a global expectation finds even at producers' tails. */
  shortfall: number;
}

export interface SequenceReport {
  /** Sorted by producer id. */
  producers: ProducerSequenceReport[];
  totals: SequenceTotals;
}

interface ProducerState {
  producerId: string;
  seen: PagedBitset;
  total: number;
  duplicates: number;
  maxSeq: number;
  keyOrderViolations: number;
  /** Per partition, per key: the highest keySeq read so far. */
  highestKeySeq: Array<Map<string, number> | undefined>;
  examples: SequenceAnomaly[];
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function validateExpected(expected: ExpectedCounts | undefined): void {
  if (expected === undefined) return;
  const entries = typeof expected === 'number' ? [['expected', expected] as const] : Object.entries(expected).map(([id, n]) => [`expected["${id}"]`, n] as const);
  for (const [name, n] of entries) {
    if (!isCount(n)) {
      throw new AppError('CONFIG_INVALID', `${name} must be a non-negative integer (got ${n})`, { retriable: false });
    }
  }
}

/**
 * Checks sequence-stamped records for loss, duplication and per-key reordering, incrementally:
 * feed every record with `observe()`, ask `report()` at any point.
 *
 * Order: records of a key are compared only within one partition, in the order they were fed,
 * so the caller must feed each partition in offset order (as a consumer delivers it);
 * partitions may interleave freely. A record counts as a key order violation when its seq is
 * new and its keySeq is not above the highest keySeq of its key read so far. A seq read before
 * is a duplicate only, never a violation: a replay after a crash repeats a prefix, which
 * at-least-once delivery allows. Keyless records are not ordered by Kafka and are not checked.
 *
 * Memory: seen seqs in a paged bitmap (1 bit per seq, about 128 KiB per million), plus one
 * number per distinct (producer, partition, key). Records themselves are not kept.
 */
export class SequenceVerifier {
  private readonly options: SequenceVerifierOptions;
  private readonly producers = new Map<string, ProducerState>();
  private last: ProducerState | undefined;
  private unsequenced = 0;

  constructor(options: Partial<SequenceVerifierOptions> = {}) {
    validateExpected(options.expected);
    this.options = { ...defaultSequenceVerifierOptions, ...options };
  }

  observe(record: SequencedRecord): void {
    const { seq, keySeq, partition } = record;
    if (!(isCount(seq) && isCount(keySeq) && isCount(partition))) {
      throw new RangeError(`seq, keySeq and partition must be non-negative integers (got ${seq}, ${keySeq}, ${partition})`);
    }
    const state = this.stateOf(record.producerId);
    state.total += 1;
    if (seq > state.maxSeq) state.maxSeq = seq;
    if (!state.seen.add(seq)) {
      state.duplicates += 1;
      this.example(state, record, 'duplicate');
      return;
    }
    if (record.key === null || record.key === undefined) return;
    const keys = (state.highestKeySeq[partition] ??= new Map<string, number>());
    const id = keyId(record.key);
    const highest = keys.get(id);
    if (highest === undefined || keySeq > highest) {
      keys.set(id, keySeq);
    } else {
      state.keyOrderViolations += 1;
      this.example(state, record, 'key-order', highest);
    }
  }

  /** Counts a record that carries no readable sequence stamp. */
  observeUnsequenced(): void {
    this.unsequenced += 1;
  }

  report(): SequenceReport {
    const { expected } = this.options;
    const ids = new Set(this.producers.keys());
    if (typeof expected === 'object') for (const id of Object.keys(expected)) ids.add(id);
    const producers = [...ids].sort().map((id) => this.producerReport(id, typeof expected === 'object' ? expected[id] : undefined));

    const sum = (pick: (p: ProducerSequenceReport) => number): number => producers.reduce((acc, p) => acc + pick(p), 0);
    const seen = sum((p) => p.seen);
    const expectedTotal =
      expected === undefined ? null : typeof expected === 'number' ? expected : Object.values(expected).reduce((a, b) => a + b, 0);
    return {
      producers,
      totals: {
        producers: producers.length,
        seen,
        total: sum((p) => p.total),
        duplicates: sum((p) => p.duplicates),
        gaps: sum((p) => p.gaps),
        keyOrderViolations: sum((p) => p.keyOrderViolations),
        unsequenced: this.unsequenced,
        expected: expectedTotal,
        shortfall: expectedTotal === null ? 0 : Math.max(0, expectedTotal - seen),
      },
    };
  }

  private producerReport(producerId: string, expected: number | undefined): ProducerSequenceReport {
    const state = this.producers.get(producerId);
    const seenSet = state?.seen ?? new PagedBitset();
    const maxSeq = state === undefined ? -1 : state.maxSeq;
    const limit = expected ?? maxSeq + 1;
    const seenBelow = seenSet.countBelow(limit);
    const missing = seenSet.missingRanges(limit, this.options.maxMissingRanges);
    return {
      producerId,
      seen: seenSet.size,
      total: state?.total ?? 0,
      duplicates: state?.duplicates ?? 0,
      gaps: limit - seenBelow,
      missingRanges: missing.ranges,
      missingRangesTruncated: missing.truncated,
      maxSeq: maxSeq < 0 ? null : maxSeq,
      expected: expected ?? null,
      beyondExpected: expected === undefined ? 0 : seenSet.size - seenBelow,
      keyOrderViolations: state?.keyOrderViolations ?? 0,
      examples: state?.examples.map((e) => ({ ...e })) ?? [],
    };
  }

  private stateOf(producerId: string): ProducerState {
    // Records mostly come in runs of one producer: skip the map lookup for those.
    if (this.last !== undefined && this.last.producerId === producerId) return this.last;
    let state = this.producers.get(producerId);
    if (state === undefined) {
      state = {
        producerId,
        seen: new PagedBitset(),
        total: 0,
        duplicates: 0,
        maxSeq: -1,
        keyOrderViolations: 0,
        highestKeySeq: [],
        examples: [],
      };
      this.producers.set(producerId, state);
    }
    this.last = state;
    return state;
  }

  private example(state: ProducerState, record: SequencedRecord, kind: SequenceAnomaly['kind'], highestKeySeq?: number): void {
    if (state.examples.length >= this.options.maxExamples) return;
    const anomaly: SequenceAnomaly = {
      kind,
      seq: record.seq,
      keySeq: record.keySeq,
      key: displayKey(record.key),
      partition: record.partition,
      offset: String(record.offset),
    };
    if (highestKeySeq !== undefined) anomaly.highestKeySeq = highestKeySeq;
    state.examples.push(anomaly);
  }
}
