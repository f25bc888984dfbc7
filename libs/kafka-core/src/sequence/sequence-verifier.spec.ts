import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { SequenceStamper } from './sequence-stamper.js';
import {
  SequenceVerifier,
  type ProducerSequenceReport,
  type SequencedRecord,
  type SequenceTotals,
  type SequenceVerifierOptions,
} from './sequence-verifier.js';

const PARTITIONS = 3;
const KEYS = 5;

type Stamped = Omit<SequencedRecord, 'partition' | 'offset'>;

/** What one producer sends: `count` records over `keys` keys (`k0`, `k1`, …), or keyless. */
function send(producerId: string, count: number, keys: number | null = KEYS): Stamped[] {
  const stamper = new SequenceStamper(producerId);
  return Array.from({ length: count }, (_, i) => {
    const key = keys === null ? null : `k${i % keys}`;
    return { ...stamper.next(key), key };
  });
}

/** Writes records to a topic: a key always lands on the same partition, offsets count up per partition. */
function write(records: readonly Stamped[]): SequencedRecord[] {
  const next = new Array<number>(PARTITIONS).fill(0);
  return records.map((r, i) => {
    const partition = r.key === null || r.key === undefined ? i % PARTITIONS : Number(String(r.key).slice(1)) % PARTITIONS;
    const offset = next[partition]!;
    next[partition] = offset + 1;
    return { ...r, partition, offset };
  });
}

const withoutSeqs = (records: Stamped[], seqs: readonly number[]): Stamped[] => records.filter((r) => !seqs.includes(r.seq));
const bySeq = (records: Stamped[], from: number, to: number): Stamped[] => records.filter((r) => r.seq >= from && r.seq <= to);

function swapped(records: Stamped[], a: number, b: number): Stamped[] {
  const copy = [...records];
  const i = copy.findIndex((r) => r.seq === a);
  const j = copy.findIndex((r) => r.seq === b);
  [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  return copy;
}

function interleave(...streams: Stamped[][]): Stamped[] {
  const out: Stamped[] = [];
  for (let i = 0; i < Math.max(...streams.map((s) => s.length)); i += 1) {
    for (const s of streams) if (s[i] !== undefined) out.push(s[i]!);
  }
  return out;
}

const clean = { duplicates: 0, gaps: 0, missingRanges: [], keyOrderViolations: 0, examples: [] } satisfies Partial<ProducerSequenceReport>;

const scenarios: Array<{
  name: string;
  records: SequencedRecord[];
  unsequenced?: number;
  options?: Partial<SequenceVerifierOptions>;
  producers: Record<string, Partial<ProducerSequenceReport>>;
  totals?: Partial<SequenceTotals>;
}> = [
  {
    name: 'clean stream',
    records: write(send('a', 100)),
    producers: { a: { ...clean, seen: 100, total: 100, maxSeq: 99 } },
    totals: { producers: 1, seen: 100, total: 100, duplicates: 0, gaps: 0, keyOrderViolations: 0, unsequenced: 0, expected: null, shortfall: 0 },
  },
  {
    name: 'missing in the middle',
    records: write(withoutSeqs(send('a', 100), [10, 11, 12, 50])),
    producers: { a: { seen: 96, total: 96, duplicates: 0, gaps: 4, missingRanges: [{ from: 10, to: 12 }, { from: 50, to: 50 }], keyOrderViolations: 0, maxSeq: 99 } },
    totals: { gaps: 4 },
  },
  {
    name: 'missing tail without an expectation is invisible',
    records: write(withoutSeqs(send('a', 100), [97, 98, 99])),
    producers: { a: { ...clean, seen: 97, maxSeq: 96, expected: null } },
  },
  {
    name: 'missing tail found with the expected count',
    records: write(withoutSeqs(send('a', 100), [97, 98, 99])),
    options: { expected: { a: 100 } },
    producers: { a: { seen: 97, gaps: 3, missingRanges: [{ from: 97, to: 99 }], maxSeq: 96, expected: 100, beyondExpected: 0, keyOrderViolations: 0 } },
    totals: { gaps: 3, expected: 100, shortfall: 3 },
  },
  {
    name: 'missing tail found by a global expected total',
    records: write(interleave(send('a', 50), withoutSeqs(send('b', 50), [48, 49]))),
    options: { expected: 100 },
    producers: { a: { ...clean, seen: 50, expected: null }, b: { ...clean, seen: 48, expected: null } },
    totals: { seen: 98, gaps: 0, expected: 100, shortfall: 2 },
  },
  {
    name: 'a producer that lost everything',
    records: write(send('a', 10)),
    options: { expected: { a: 10, ghost: 5 } },
    producers: { a: { ...clean, seen: 10 }, ghost: { seen: 0, total: 0, gaps: 5, missingRanges: [{ from: 0, to: 4 }], maxSeq: null, expected: 5 } },
    totals: { producers: 2, gaps: 5, expected: 15, shortfall: 5 },
  },
  {
    name: 'more records than expected',
    records: write(send('a', 100)),
    options: { expected: { a: 90 } },
    producers: { a: { ...clean, seen: 100, expected: 90, beyondExpected: 10 } },
  },
  {
    name: 'duplicates',
    records: write([...send('a', 100), ...bySeq(send('a', 100), 20, 24), ...bySeq(send('a', 100), 20, 20)]),
    producers: { a: { seen: 100, total: 106, duplicates: 6, gaps: 0, keyOrderViolations: 0 } },
    totals: { seen: 100, total: 106, duplicates: 6 },
  },
  {
    name: 'redelivered prefix after a crash: duplicates only',
    // Read 0..59, crashed before committing 40..59, replayed them, went on.
    records: write([...bySeq(send('a', 100), 0, 59), ...bySeq(send('a', 100), 40, 99)]),
    producers: { a: { seen: 100, total: 120, duplicates: 20, gaps: 0, missingRanges: [], keyOrderViolations: 0 } },
  },
  {
    name: 'reorder within a key',
    // seq 10 and 15 are k0's keySeq 2 and 3. Partition 0 holds k0 and k3: seqs 0 3 5 8 15 13 10,
    // so seq 10 is read last, at offset 6.
    records: write(swapped(send('a', 100), 10, 15)),
    producers: {
      a: {
        seen: 100,
        duplicates: 0,
        gaps: 0,
        keyOrderViolations: 1,
        examples: [{ kind: 'key-order', seq: 10, keySeq: 2, key: 'k0', partition: 0, offset: '6', highestKeySeq: 3 }],
      },
    },
    totals: { keyOrderViolations: 1 },
  },
  {
    name: 'reorder across different keys is fine',
    records: write(swapped(swapped(send('a', 100), 10, 11), 30, 33)),
    producers: { a: { ...clean, seen: 100 } },
  },
  {
    name: 'a repeated keySeq with a new seq breaks the order',
    records: write([...send('a', 3, 1), { producerId: 'a', seq: 3, keySeq: 2, key: 'k0' }]),
    producers: { a: { seen: 4, keyOrderViolations: 1, duplicates: 0 } },
  },
  {
    name: 'keyless records are not order-checked',
    records: write(swapped(send('a', 30, null), 3, 27)),
    producers: { a: { ...clean, seen: 30 } },
  },
  {
    name: 'multiple producers are checked separately',
    records: write(interleave(withoutSeqs(send('a', 60), [5]), [...send('b', 40), ...bySeq(send('b', 40), 0, 1)], swapped(send('c', 20), 0, 5))),
    producers: {
      a: { seen: 59, total: 59, duplicates: 0, gaps: 1, missingRanges: [{ from: 5, to: 5 }], keyOrderViolations: 0 },
      b: { seen: 40, total: 42, duplicates: 2, gaps: 0, keyOrderViolations: 0 },
      c: { seen: 20, total: 20, duplicates: 0, gaps: 0, keyOrderViolations: 1 },
    },
    totals: { producers: 3, seen: 119, total: 121, duplicates: 2, gaps: 1, keyOrderViolations: 1 },
  },
  {
    name: 'unsequenced records are counted apart',
    records: write(send('a', 10)),
    unsequenced: 3,
    producers: { a: { ...clean, seen: 10 } },
    totals: { seen: 10, unsequenced: 3 },
  },
];

describe('SequenceVerifier', () => {
  it.each(scenarios)('$name', ({ records, unsequenced = 0, options, producers, totals }) => {
    const verifier = new SequenceVerifier(options);
    for (const record of records) verifier.observe(record);
    for (let i = 0; i < unsequenced; i += 1) verifier.observeUnsequenced();
    const report = verifier.report();
    expect(report.producers.map((p) => p.producerId)).toEqual(Object.keys(producers).sort());
    for (const p of report.producers) expect(p).toMatchObject(producers[p.producerId]!);
    if (totals !== undefined) expect(report.totals).toMatchObject(totals);
  });

  it('compares a key only within one partition', () => {
    const verifier = new SequenceVerifier();
    verifier.observe({ producerId: 'a', seq: 1, keySeq: 5, key: 'k', partition: 0, offset: 0 });
    verifier.observe({ producerId: 'a', seq: 0, keySeq: 3, key: 'k', partition: 1, offset: 0 });
    verifier.observe({ producerId: 'a', seq: 2, keySeq: 4, key: Buffer.from('k'), partition: 0, offset: 1 });
    expect(verifier.report().producers[0]).toMatchObject({ keyOrderViolations: 1, examples: [{ kind: 'key-order', keySeq: 4, key: 'k', partition: 0, offset: '1' }] });
  });

  it('keeps at most maxExamples examples and maxMissingRanges ranges, with exact counts', () => {
    const verifier = new SequenceVerifier({ maxExamples: 2, maxMissingRanges: 3 });
    const records = write(send('a', 100));
    for (const r of records) if (r.seq % 10 !== 0) verifier.observe(r);
    for (const r of records.slice(1, 6)) verifier.observe(r);
    const [report] = verifier.report().producers;
    expect(report).toMatchObject({ gaps: 10, duplicates: 5, missingRangesTruncated: true });
    expect(report?.missingRanges).toEqual([{ from: 0, to: 0 }, { from: 10, to: 10 }, { from: 20, to: 20 }]);
    expect(report?.examples.map((e) => [e.kind, e.seq])).toEqual([['duplicate', 1], ['duplicate', 2]]);
  });

  it('report() is a snapshot: observing more later does not change an earlier report', () => {
    const verifier = new SequenceVerifier({ maxExamples: 5 });
    const [first] = write(send('a', 1));
    verifier.observe(first!);
    verifier.observe(first!);
    const before = verifier.report();
    verifier.observe(first!);
    expect(before.producers[0]).toMatchObject({ total: 2, duplicates: 1 });
    expect(before.producers[0]?.examples).toHaveLength(1);
  });

  it.each([
    { name: 'negative seq', record: { seq: -1, keySeq: 0, partition: 0 } },
    { name: 'fractional keySeq', record: { seq: 1, keySeq: 0.5, partition: 0 } },
    { name: 'negative partition', record: { seq: 1, keySeq: 0, partition: -1 } },
  ])('rejects a $name', ({ record }) => {
    const verifier = new SequenceVerifier();
    expect(() => verifier.observe({ producerId: 'a', key: 'k', offset: 0, ...record })).toThrow(RangeError);
  });

  it.each([
    { name: 'a negative total', expected: -1, message: 'expected must be a non-negative integer (got -1)' },
    { name: 'a fractional count', expected: { a: 1.5 }, message: 'expected["a"] must be a non-negative integer (got 1.5)' },
  ])('rejects $name as expectation', ({ expected, message }) => {
    const attempt = () => new SequenceVerifier({ expected });
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(message);
  });
});
