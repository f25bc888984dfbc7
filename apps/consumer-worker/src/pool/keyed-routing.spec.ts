import { describe, expect, it } from 'vitest';
import { pooledRecordsOf, type DispatchRecord } from './executor.js';
import { splitByThread, threadOf } from './keyed-routing.js';

function rec(partition: number, offset: number, key: string | null, topic = 't'): DispatchRecord {
  return { topic, partition, offset, key: key === null ? null : Buffer.from(key), value: null, headers: {}, timestamp: '0', attempt: 1 };
}

describe('threadOf', () => {
  it('puts a key on the same thread whatever its partition, topic, arena or place', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `sensor-${i}`);
    const first = pooledRecordsOf(keys.map((k, i) => rec(i % 6, i, k)));
    const again = pooledRecordsOf([...keys].reverse().map((k, i) => rec((i + 3) % 6, 1_000 + i, k, 'other')));
    const threadsOf = (records: typeof first) => new Map(records.map((r) => [r.arena.keyText(r.slot), threadOf(r, 4, 'key')]));
    expect(threadsOf(again)).toEqual(threadsOf(first));
  });

  it('spreads keys over the threads', () => {
    const records = pooledRecordsOf(Array.from({ length: 4_000 }, (_, i) => rec(0, i, `user-${i}`)));
    const counts = [0, 0, 0, 0];
    for (const r of records) counts[threadOf(r, 4, 'key')]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('routes a keyless record, and every record with the partition route, by topic and partition', () => {
    const records = pooledRecordsOf([rec(3, 0, null), rec(3, 1, 'a'), rec(3, 2, 'b'), rec(3, 3, null)]);
    const byPartition = records.map((r) => threadOf(r, 5, 'partition'));
    expect(new Set(byPartition).size).toBe(1);
    expect(threadOf(records[0]!, 5, 'key')).toBe(byPartition[0]);
    expect(threadOf(records[3]!, 5, 'key')).toBe(byPartition[0]);
  });

  it('is 0 with one thread', () => {
    expect(pooledRecordsOf([rec(0, 0, 'a'), rec(1, 1, null)]).map((r) => threadOf(r, 1, 'key'))).toEqual([0, 0]);
  });
});

describe('splitByThread', () => {
  it('keeps each thread’s records and tags in chunk order, with their positions', () => {
    const records = pooledRecordsOf(Array.from({ length: 50 }, (_, i) => rec(0, i, `k${i % 7}`)));
    const tags = records.map((_, i) => 1 + (i % 7));
    const shares = splitByThread(records, tags, 3, 'key');
    expect(shares.flatMap((s) => s.positions).sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
    for (const share of shares) {
      expect(share.positions).toEqual([...share.positions].sort((a, b) => a - b));
      expect(share.records).toEqual(share.positions.map((p) => records[p]));
      expect(share.tags).toEqual(share.positions.map((p) => tags[p]));
      // a tag (one key) never spans two threads
      for (const other of shares) if (other !== share) expect(other.tags!.some((t) => share.tags!.includes(t))).toBe(false);
    }
  });

  it('leaves the tags out when the chunk has none', () => {
    const shares = splitByThread(pooledRecordsOf([rec(0, 0, 'a'), rec(0, 1, 'b')]), undefined, 2, 'key');
    expect(shares.every((s) => s.tags === undefined)).toBe(true);
  });
});
