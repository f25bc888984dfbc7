import type { Message } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AppError,
  listGroupIds,
  partitionForKey,
  SEQUENCE_HEADERS,
  SequenceStamper,
  verifyTopic,
  type ExpectedCounts,
  type ProducerSequenceReport,
  type SequenceTotals,
} from '../src/index.js';
import { TestKafka, uniqueName } from '../test-support/index.js';

const PARTITIONS = 3;
const PER_PRODUCER = 5_000;
const KEYS = 50;
const A = 'gen-a';
const B = 'gen-b';
const BOTH_SENT = { [A]: PER_PRODUCER, [B]: PER_PRODUCER };

interface Planned extends Message {
  producerId: string | null;
  seq: number;
  key: string;
}

/** Both producers' records, interleaved as two concurrent generators would write them. */
function plan(): Planned[] {
  const stampers = [new SequenceStamper(A), new SequenceStamper(B)];
  const records: Planned[] = [];
  for (let i = 0; i < PER_PRODUCER; i += 1) {
    for (const stamper of stampers) {
      const key = `key-${i % KEYS}`;
      const seq = stamper.issued;
      records.push({ producerId: stamper.producerId, seq, key, value: `${stamper.producerId}-${seq}`, headers: stamper.stamp({}, key) });
    }
  }
  return records;
}

const of = (producerId: string, seqs: readonly number[]) => (r: Planned) => r.producerId === producerId && seqs.includes(r.seq);
const seqsFrom = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const unstamped = (i: number): Planned => ({ producerId: null, seq: -1, key: `key-${i % KEYS}`, value: `plain-${i}` });

function withoutRecords(records: Planned[], drop: (r: Planned) => boolean): Planned[] {
  return records.filter((r) => !drop(r));
}

function swapped(records: Planned[], first: (r: Planned) => boolean, second: (r: Planned) => boolean): Planned[] {
  const copy = [...records];
  const i = copy.findIndex(first);
  const j = copy.findIndex(second);
  [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  return copy;
}

/** The offset a record gets: how many records before it land on its partition. */
function offsetOf(records: readonly Planned[], match: (r: Planned) => boolean): string {
  const index = records.findIndex(match);
  const partition = partitionForKey(records[index]!.key, PARTITIONS);
  return String(records.slice(0, index).filter((r) => partitionForKey(r.key, PARTITIONS) === partition).length);
}

const clean = { duplicates: 0, gaps: 0, missingRanges: [], keyOrderViolations: 0, examples: [] } satisfies Partial<ProducerSequenceReport>;
const cleanTotals = { producers: 2, duplicates: 0, gaps: 0, keyOrderViolations: 0, unsequenced: 0 } satisfies Partial<SequenceTotals>;

const reordered = swapped(plan(), of(A, [507]), of(A, [557])); // key-7's keySeq 10 and 11 of gen-a

const scenarios: Array<{
  name: string;
  records: Planned[];
  expected?: ExpectedCounts;
  recordsRead: number;
  producers: Record<string, Partial<ProducerSequenceReport>>;
  totals: Partial<SequenceTotals>;
}> = [
  {
    name: 'a clean topic',
    records: plan(),
    expected: BOTH_SENT,
    recordsRead: 10_000,
    producers: {
      [A]: { ...clean, seen: 5_000, total: 5_000, maxSeq: 4_999, expected: 5_000 },
      [B]: { ...clean, seen: 5_000, total: 5_000, maxSeq: 4_999, expected: 5_000 },
    },
    totals: { ...cleanTotals, seen: 10_000, total: 10_000, expected: 10_000, shortfall: 0 },
  },
  {
    name: 'records omitted, the last ones included, with expected counts',
    records: withoutRecords(plan(), (r) => of(A, [100, 101, 102, 2_500, 4_999])(r) || of(B, [0, 4_997, 4_998, 4_999])(r)),
    expected: BOTH_SENT,
    recordsRead: 9_991,
    producers: {
      [A]: { seen: 4_995, duplicates: 0, gaps: 5, missingRanges: [{ from: 100, to: 102 }, { from: 2_500, to: 2_500 }, { from: 4_999, to: 4_999 }], maxSeq: 4_998, keyOrderViolations: 0 },
      [B]: { seen: 4_996, duplicates: 0, gaps: 4, missingRanges: [{ from: 0, to: 0 }, { from: 4_997, to: 4_999 }], maxSeq: 4_996, keyOrderViolations: 0 },
    },
    totals: { seen: 9_991, gaps: 9, duplicates: 0, keyOrderViolations: 0, expected: 10_000, shortfall: 9 },
  },
  {
    name: 'the same omissions without expected counts miss the tails',
    records: withoutRecords(plan(), (r) => of(A, [100, 101, 102, 2_500, 4_999])(r) || of(B, [0, 4_997, 4_998, 4_999])(r)),
    recordsRead: 9_991,
    producers: {
      [A]: { seen: 4_995, gaps: 4, missingRanges: [{ from: 100, to: 102 }, { from: 2_500, to: 2_500 }], maxSeq: 4_998, expected: null },
      [B]: { seen: 4_996, gaps: 1, missingRanges: [{ from: 0, to: 0 }], maxSeq: 4_996, expected: null },
    },
    totals: { seen: 9_991, gaps: 5, expected: null, shortfall: 0 },
  },
  {
    name: 'deliberate duplicates: a replayed prefix and a record sent three times',
    records: [...plan(), ...plan().filter(of(A, seqsFrom(1_000, 10))), ...plan().filter(of(B, [42])), ...plan().filter(of(B, [42]))],
    expected: BOTH_SENT,
    recordsRead: 10_012,
    producers: {
      [A]: { seen: 5_000, total: 5_010, duplicates: 10, gaps: 0, missingRanges: [], keyOrderViolations: 0 },
      [B]: { seen: 5_000, total: 5_002, duplicates: 2, gaps: 0, missingRanges: [], keyOrderViolations: 0 },
    },
    totals: { seen: 10_000, total: 10_012, duplicates: 12, gaps: 0, keyOrderViolations: 0, shortfall: 0 },
  },
  {
    name: 'two records of one key written in swapped order',
    records: reordered,
    expected: BOTH_SENT,
    recordsRead: 10_000,
    producers: {
      [A]: {
        seen: 5_000,
        duplicates: 0,
        gaps: 0,
        keyOrderViolations: 1,
        examples: [
          { kind: 'key-order', seq: 507, keySeq: 10, key: 'key-7', highestKeySeq: 11, partition: partitionForKey('key-7', PARTITIONS), offset: offsetOf(reordered, of(A, [507])) },
        ],
      },
      [B]: { ...clean, seen: 5_000 },
    },
    totals: { seen: 10_000, duplicates: 0, gaps: 0, keyOrderViolations: 1 },
  },
  {
    name: 'unsequenced records among the stamped ones',
    records: plan().flatMap((r, i) => {
      if (i % 400 !== 0) return [r];
      const garbled = { ...unstamped(i), headers: { [SEQUENCE_HEADERS.producerId]: A, [SEQUENCE_HEADERS.seq]: 'x', [SEQUENCE_HEADERS.keySeq]: '0' } };
      return i % 2_000 === 0 ? [garbled, r] : [unstamped(i), r];
    }),
    expected: BOTH_SENT,
    recordsRead: 10_025,
    producers: { [A]: { ...clean, seen: 5_000 }, [B]: { ...clean, seen: 5_000 } },
    totals: { ...cleanTotals, seen: 10_000, total: 10_000, unsequenced: 25 },
  },
];

describe('verifyTopic on a real broker', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  async function writeTopic(records: readonly Message[]): Promise<string> {
    const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'sequence' });
    // One in-flight request and awaited sends: records land in exactly the order listed.
    const producer = await t.producer({ idempotent: true, maxInFlightRequests: 1 });
    for (let i = 0; i < records.length; i += 2_000) {
      await producer.send({ topic, messages: records.slice(i, i + 2_000).map(({ key, value, headers, partition }) => ({ key, value, headers, partition })) });
    }
    await producer.disconnect();
    return topic;
  }

  it.each(scenarios)('reports exactly $name', async ({ records, expected, recordsRead, producers, totals }) => {
    const topic = await writeTopic(records);
    const groupIdPrefix = uniqueName('verify');
    const report = await verifyTopic(t.kafka, { topic, groupIdPrefix, timeoutMs: 60_000, ...(expected === undefined ? {} : { expected }) });

    expect(report.recordsRead).toBe(recordsRead);
    expect(report.endOffsets.reduce((sum, p) => sum + p.end - p.start, 0)).toBe(recordsRead);
    expect(report.producers.map((p) => p.producerId)).toEqual(Object.keys(producers).sort());
    for (const p of report.producers) expect(p).toMatchObject(producers[p.producerId]!);
    expect(report.totals).toMatchObject(totals);
    // The reader's group committed nothing and is gone.
    expect((await listGroupIds(t.admin)).filter((g) => g.startsWith(groupIdPrefix))).toEqual([]);
  });

  it('reads from the log start after retention, skips an empty partition and names the deleted head as gaps', async () => {
    const stamper = new SequenceStamper(A);
    // Keyless records on partitions 0 and 1 alternately; partition 2 stays empty.
    const records = Array.from({ length: 300 }, (_, i) => ({ partition: i % 2, value: String(i), headers: stamper.stamp({}) }));
    const topic = await writeTopic(records.map((r) => ({ ...r, key: null })));
    await t.admin.fetchTopicMetadata({ topics: [topic] });
    await t.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '20' }] });

    const report = await verifyTopic(t.kafka, { topic, expected: { [A]: 300 }, maxMissingRanges: 25 });
    expect(report.endOffsets).toEqual([
      { partition: 0, start: 20, end: 150 },
      { partition: 1, start: 0, end: 150 },
      { partition: 2, start: 0, end: 0 },
    ]);
    expect(report.recordsRead).toBe(280);
    // Partition 0 held the even seqs: 0, 2, …, 38 were deleted.
    expect(report.producers).toEqual([
      expect.objectContaining({
        producerId: A,
        seen: 280,
        gaps: 20,
        missingRanges: Array.from({ length: 20 }, (_, i) => ({ from: 2 * i, to: 2 * i })),
        missingRangesTruncated: false,
        duplicates: 0,
        keyOrderViolations: 0,
      }),
    ]);
  });

  it('answers at once for an empty topic, still naming what was expected', async () => {
    const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'sequence-empty' });
    const report = await verifyTopic(t.kafka, { topic, expected: { [A]: 3 } });
    expect(report.recordsRead).toBe(0);
    expect(report.endOffsets).toEqual([0, 1, 2].map((partition) => ({ partition, start: 0, end: 0 })));
    expect(report.producers).toEqual([expect.objectContaining({ producerId: A, seen: 0, gaps: 3, missingRanges: [{ from: 0, to: 2 }], maxSeq: null })]);
    expect(report.totals).toMatchObject({ seen: 0, gaps: 3, shortfall: 3 });
  });

  it('fails with TIMEOUT, saying where it stopped, when the read outlasts timeoutMs', async () => {
    const topic = await writeTopic(plan().slice(0, 1_000));
    const attempt = verifyTopic(t.kafka, { topic, timeoutMs: 1 });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'TIMEOUT', retriable: true, message: expect.stringContaining(`verify ${topic}: timed out after 1 ms`) });
  });

  it('fails with TOPIC_NOT_FOUND for a topic that does not exist', async () => {
    await expect(verifyTopic(t.kafka, { topic: uniqueName('sequence-missing'), timeoutMs: 20_000 })).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
  });
});
