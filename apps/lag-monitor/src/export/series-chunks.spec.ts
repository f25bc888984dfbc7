import { describe, expect, it } from 'vitest';
import type { GroupTopicView, PartitionView, Snapshot } from '../model/index.js';
import { renderSeriesStrings } from '../../test-support/string-series-text.js';
import { deriveAll } from '../../test-support/derive-fixtures.js';
import { ChunkPool, renderSeriesChunks, type PartitionSeries } from './series-text.js';
import { seededRandom as random } from '@lagscale/kafka-core/testing/seeded-random';

// The Buffer writer against the string rendering it replaced (test-support/string-series-text.ts):
// the same bytes for numbers of every kind (integers up to 2^53, −0, fractions, exponents, ±Inf,
// NaN), label values that need escaping or are not ASCII, chunks that end mid-family, and lines
// longer than a chunk. Seeded, so a failure names an input that reproduces.

const ODD_NUMBERS = [0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e21, 1.5e300, 0.1, 1 / 3, 123.456, 1e-7, -2.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const NAMES = ['orders', 'grüße-topic', 'quote"d', 'back\\slash', 'new\nline', 'emoji-🚀', 'x'.repeat(70_000)];

function randomInput(seed: number): { snapshot: Snapshot; views: GroupTopicView[] } {
  const r = random(seed);
  const int = (n: number) => Math.floor(r() * n);
  const number = () => (r() < 0.4 ? (ODD_NUMBERS[int(ODD_NUMBERS.length)] as number) : r() < 0.5 ? int(1e9) : r() * 1e4);
  // The 70,000-character name (longer than a chunk) in a few inputs only: it makes every line long.
  const name = () => (NAMES[int(seed % 5 === 0 ? NAMES.length : NAMES.length - 1)] as string) + String(int(3));
  const topics: Snapshot['topics'] = Array.from({ length: 1 + int(4) }, (_, t) => ({
    topic: `${name()}-${t}`,
    partitions: Array.from({ length: 1 + int(30) }, (_, partition) => ({ partition, start: number(), end: number() })),
  }));
  const groups: Snapshot['groups'] = Array.from({ length: 1 + int(4) }, (_, g) => ({
    groupId: `${name()}-g${g}`,
    state: 'Stable',
    members: int(5),
    topics: topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ ...p, committed: r() < 0.2 ? null : number() })) })),
  }));
  const views = groups.flatMap((g) =>
    g.topics.map((t): GroupTopicView => {
      const partitions: PartitionView[] = t.partitions.map((p) => ({
        partition: p.partition,
        start: p.start,
        end: p.end,
        committed: p.committed,
        hasCommit: p.committed !== null,
        lag: number(),
        productionRate: number(),
        consumptionRate: number(),
        timeToDrainSeconds: r() < 0.2 ? null : number(),
        timeLagSeconds: number(),
        health: (['OK', 'WARN', 'STALL', 'STOP'] as const)[int(4)] ?? 'OK',
        healthReason: '',
      }));
      return {
        groupId: g.groupId,
        topic: t.topic,
        state: g.state,
        members: g.members,
        partitionCount: partitions.length,
        totalLag: number(),
        partitionsWithLag: int(30),
        uncommittedPartitions: int(30),
        productionRate: number(),
        consumptionRate: number(),
        timeToDrainSeconds: r() < 0.2 ? null : number(),
        maxTimeLagSeconds: number(),
        health: 'OK',
        partitions,
      };
    }),
  );
  return { snapshot: { atMs: 1_700_000_000_000, durationMs: 5, ok: true, topics, groups, errors: [] }, views };
}

function bytes(chunks: Iterable<string | Buffer>): Buffer {
  return Buffer.concat([...chunks].map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
}

describe('renderSeriesChunks', () => {
  for (const seed of Array.from({ length: 40 }, (_, i) => i + 1)) {
    for (const series of ['all', 'offsets'] as PartitionSeries[]) {
      it(`writes the bytes the string rendering wrote (seed ${seed}, ${series})`, () => {
        const input = randomInput(seed);
        const labels: Record<string, string> = seed % 2 === 0 ? { app: 'lag-monitor' } : { app: 'a"b', zone: 'é' };
        const expected = bytes(renderSeriesStrings(input, labels, series));
        expect(bytes(renderSeriesChunks(input, labels, series)).equals(expected)).toBe(true);
        expect(expected.length).toBeGreaterThan(0);
      });
    }
  }

  it('writes the bytes the string rendering wrote for derived views, a failed snapshot included', () => {
    const snapshots: Snapshot[] = Array.from({ length: 6 }, (_, c) => ({
      atMs: 1_700_000_000_000 + c * 5_000,
      durationMs: 3,
      ok: true,
      errors: [],
      topics: [{ topic: 't', partitions: Array.from({ length: 50 }, (_, partition) => ({ partition, start: 0, end: 1_000 + c * 37 * (partition + 1) })) }],
      groups: [{ groupId: 'g', state: 'Stable', members: 2, topics: [{ topic: 't', partitions: Array.from({ length: 50 }, (_, partition) => ({ partition, start: 0, end: 1_000 + c * 37 * (partition + 1), committed: partition % 7 === 0 ? null : 900 + c * 11 * partition })) }] }],
    }));
    const { views } = deriveAll(snapshots);
    const snapshot = snapshots.at(-1) as Snapshot;
    for (const input of [{ snapshot, views }, { snapshot: { ...snapshot, ok: false }, views }]) {
      expect(bytes(renderSeriesChunks(input)).equals(bytes(renderSeriesStrings(input)))).toBe(true);
    }
  });

  it('writes the same bytes when each chunk is handed back to the pool once read, into a few Buffers', () => {
    const pool = new ChunkPool();
    for (const seed of [2, 5, 7, 10]) {
      const input = randomInput(seed);
      const expected = bytes(renderSeriesStrings(input, {}, 'all'));
      const copies: Buffer[] = [];
      const buffers = new Set<ArrayBufferLike>();
      for (const chunk of renderSeriesChunks(input, {}, 'all', pool)) {
        copies.push(Buffer.from(chunk));
        buffers.add(chunk.buffer);
        // What the ops server does once the socket has taken the chunk.
        pool.release(chunk);
      }
      expect(bytes(copies).equals(expected)).toBe(true);
      // One Buffer, reused; seeds 5 and 10 also grow some for names longer than a chunk.
      if (seed % 5 !== 0) expect(buffers.size).toBe(1);
      expect(pool.size).toBeLessThanOrEqual(8);
    }
  });

  it('ends every chunk at a line and keeps chunks near 60 KB', () => {
    const chunks = [...renderSeriesChunks(randomInput(2))];
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(60 * 1024);
  });
});
