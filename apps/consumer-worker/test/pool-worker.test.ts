import { waitFor } from '@lagscale/kafka-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledRecordsOf, type DispatchRecord, type RecordOutcome } from '../src/pool/executor.js';
import { WorkerPool } from '../src/pool/worker-pool.js';
import { testHandler } from '../test-support/test-handlers.js';

// Real piscina pools with real threads; no broker needed, but it spawns threads, so it lives
// with the integration suites.

function record(offset: number, value: unknown, headers: Record<string, string> = {}): DispatchRecord {
  return {
    topic: 'pool-test',
    partition: 0,
    offset,
    key: Buffer.from(`key-${offset % 7}`),
    value: value === null ? null : Buffer.from(JSON.stringify(value)),
    headers: { 'lagscale-producer-id': 'p1', 'lagscale-seq': String(offset), 'lagscale-key-seq': String(Math.floor(offset / 7)), ...headers },
    timestamp: String(1_700_000_000_000 + offset),
    attempt: 1,
  };
}

function okOutputs(outcome: RecordOutcome | undefined) {
  if (outcome?.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.outputs;
}

describe('WorkerPool with the noop handler', () => {
  const pool = new WorkerPool({ threads: 2, handler: 'noop' });
  beforeAll(() => pool.start());
  afterAll(() => pool.close());

  it('runs a chunk and returns one ok outcome without outputs per record', async () => {
    const outcomes = await pool.run(pooledRecordsOf([record(0, { a: 1 }), record(1, null), record(2, 'text')]));
    expect(outcomes).toEqual([
      { status: 'ok', outputs: [] },
      { status: 'ok', outputs: [] },
      { status: 'ok', outputs: [] },
    ]);
    expect(pool.stats()).toMatchObject({ threads: 2, queued: 0 });
  });

  it('runs an empty chunk', async () => {
    expect(await pool.run([])).toEqual([]);
  });
});

describe('WorkerPool with a pass-through handler that throws on a marker', () => {
  const pool = new WorkerPool({ threads: 2, handler: testHandler('throw-on-marker'), handlerOptions: { marker: 'poison', passThrough: 'true' } });
  beforeAll(() => pool.start());
  afterAll(() => pool.close());

  it('returns outputs with key, value bytes and the sequence headers', async () => {
    const [outcome] = await pool.run(pooledRecordsOf([record(5, { reading: 42 }, { 'content-type': 'application/json' })]));
    const [output] = okOutputs(outcome);
    expect(output?.key?.toString()).toBe('key-5');
    expect(output?.value?.toString()).toBe('{"reading":42}');
    expect(output?.headers).toEqual({
      'lagscale-producer-id': 'p1',
      'lagscale-seq': '5',
      'lagscale-key-seq': '0',
      'content-type': 'application/json',
    });
  });

  it('reports bytes that do not decode as undecodable, and the rest of the chunk runs', async () => {
    const garbage: DispatchRecord = { ...record(1, null), value: Buffer.from('{not json') };
    const outcomes = await pool.run(pooledRecordsOf([record(0, 1), garbage, record(2, 2)]));
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'undecodable', 'ok']);
    expect(outcomes[1]).toMatchObject({ error: expect.stringContaining('invalid JSON') });
  });

  it('reports an unknown content type as undecodable', async () => {
    const [outcome] = await pool.run(pooledRecordsOf([record(0, 1, { 'content-type': 'application/x-protobuf' })]));
    expect(outcome).toMatchObject({ status: 'undecodable', error: expect.stringContaining('application/x-protobuf') });
  });

  it('reports a throwing handler as failed with its message', async () => {
    const outcomes = await pool.run(pooledRecordsOf([record(0, { marker: 'poison' }), record(1, { fine: true }), record(2, 'x', { 'lagscale-test-marker': 'poison' })]));
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'ok', 'failed']);
    expect(outcomes[0]).toEqual({ status: 'failed', error: 'throw-on-marker: record carries marker "poison"' });
  });

  it('skips the records after a failed one that share its order tag, and counts handler time of the records that ran', async () => {
    const before = pool.handlerSeconds().count;
    const outcomes = await pool.run(pooledRecordsOf([record(0, { marker: 'poison' }), record(1, 'b'), record(2, 'a'), record(3, 'c')]), [1, 2, 1, 0]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'ok', 'skipped', 'ok']);
    expect(pool.handlerSeconds().count - before).toBe(3);
  });

  it('keeps the order of a 256-record chunk', async () => {
    const records = Array.from({ length: 256 }, (_, i) => record(i, { i }));
    const outcomes = await pool.run(pooledRecordsOf(records));
    expect(outcomes).toHaveLength(256);
    const seqs = outcomes.map((o) => okOutputs(o)[0]?.headers['lagscale-seq']);
    expect(seqs).toEqual(records.map((_, i) => String(i)));
    expect(outcomes.map((o) => JSON.parse(okOutputs(o)[0]?.value?.toString() ?? 'null') as unknown)).toEqual(records.map((_, i) => ({ i })));
  });
});

describe('WorkerPool when a handler kills its thread', () => {
  const threadErrors: unknown[] = [];
  const pool = new WorkerPool({ threads: 2, handler: testHandler('kill-thread'), handlerOptions: { marker: 'kill', passThrough: 'true' }, onThreadError: (e) => threadErrors.push(e) });
  beforeAll(() => pool.start());
  afterAll(() => pool.close());

  it('rejects that chunk, succeeds with the next one and is back to 2 threads', async () => {
    const chunk = [record(0, 'a'), record(1, { marker: 'kill' }), record(2, 'c')];
    await expect(pool.run(pooledRecordsOf(chunk))).rejects.toMatchObject({ code: 'INTERNAL', retriable: true });

    // the dispatcher's retry: same records, next attempt
    const retried = await pool.run(pooledRecordsOf(chunk.map((r) => ({ ...r, attempt: 2 }))));
    expect(retried.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
    expect(await pool.run(pooledRecordsOf([record(3, 'd')]))).toHaveLength(1);
    await waitFor(() => pool.threadCount === 2, { timeoutMs: 10_000, description: 'a replacement thread' });
    expect(pool.stats().threads).toBe(2);
    expect(threadErrors).toEqual([]);
  });
});

describe('WorkerPool with keyed state', () => {
  type Seen = { key: string; thread: number; n: number };
  const seenOf = (outcomes: RecordOutcome[]) => outcomes.map((o) => JSON.parse(okOutputs(o)[0]?.value?.toString() ?? 'null') as Seen);
  const keyed = (partition: number, offset: number, key: string): DispatchRecord => ({ ...record(offset, null), partition, key: Buffer.from(key) });

  it('is on for a handler that declares state: every key runs on one thread, whose count of it is exact', async () => {
    const pool = new WorkerPool({ threads: 4, handler: testHandler('thread-keys') });
    try {
      await pool.start();
      expect(pool.keyed).toBe(true);
      expect(pool.threadCount).toBe(4);
      // 40 keys over 2 partitions, 64 records a chunk, 20 chunks sent at once: a thread runs its
      // shares of them in the order sent, so each key's count follows the offsets
      const chunks = Array.from({ length: 20 }, (_, chunk) => Array.from({ length: 64 }, (_, i) => keyed(i % 2, chunk * 64 + i, `k${(chunk * 64 + i) % 40}`)));
      const seen = (await Promise.all(chunks.map(async (records) => seenOf(await pool.run(pooledRecordsOf(records), records.map((r) => 1 + (r.offset % 40))))))).flat();
      const threadOfKey = new Map<string, Set<number>>();
      const counts = new Map<string, number[]>();
      for (const s of seen) {
        threadOfKey.set(s.key, (threadOfKey.get(s.key) ?? new Set()).add(s.thread));
        counts.set(s.key, [...(counts.get(s.key) ?? []), s.n]);
      }
      expect([...threadOfKey.values()].every((threads) => threads.size === 1)).toBe(true);
      expect(new Set([...threadOfKey.values()].map((t) => [...t][0])).size, 'keys spread over the threads').toBeGreaterThan(1);
      for (const [key, ns] of counts) expect(ns, key).toEqual(ns.map((_, i) => i + 1));
    } finally {
      await pool.close();
    }
  });

  it('revoke runs the hook on each thread that holds keys of the partition, with exactly those keys', async () => {
    const pool = new WorkerPool({ threads: 3, handler: testHandler('thread-keys') });
    try {
      await pool.start();
      const records = Array.from({ length: 30 }, (_, i) => keyed(i % 3, i, `k${i}`));
      const seen = seenOf(await pool.run(pooledRecordsOf(records)));
      // not awaited: the revoke runs after the chunk sent before it, on each thread
      const late = pool.run(pooledRecordsOf([keyed(1, 100, 'k1')]));
      const released = await pool.revoke('pool-test', [1, 7]);
      await late;
      expect(released.errors).toEqual([]);
      const answers = released.outputs.map((o) => JSON.parse(o.value!.toString()) as { revoked: string[]; thread: number; partition: number });
      const expected = new Map<number, string[]>();
      for (const [i, s] of seen.entries()) if (i % 3 === 1) expected.set(s.thread, [...(expected.get(s.thread) ?? []), s.key].sort());
      expect(new Map(answers.map((a) => [a.thread, a.revoked]))).toEqual(expected);
      expect(answers.every((a) => a.partition === 1)).toBe(true);
      // revoked again: the keys were handed over once, nothing is left
      expect((await pool.revoke('pool-test', [1])).outputs).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('is off when asked, and for a handler that declares no state', async () => {
    for (const options of [{ handler: testHandler('thread-keys'), keyedState: 'off' as const }, { handler: 'noop' }]) {
      const pool = new WorkerPool({ threads: 2, ...options });
      try {
        await pool.start();
        expect(pool.keyed).toBe(false);
        expect(await pool.revoke('pool-test', [0])).toEqual({ outputs: [], errors: [] });
      } finally {
        await pool.close();
      }
    }
  });
});

describe('WorkerPool handler loading', () => {
  it('loads a handler module by file path', async () => {
    const path = testHandler('always-throw');
    const pool = new WorkerPool({ threads: 1, handler: path });
    try {
      await pool.start();
      const [outcome] = await pool.run(pooledRecordsOf([record(9, 1)]));
      expect(outcome).toEqual({ status: 'failed', error: 'always-throw handler rejects pool-test/0@9' });
    } finally {
      await pool.close();
    }
  });

  it('fails start for a handler that does not exist, and closes its threads', async () => {
    const pool = new WorkerPool({ threads: 1, handler: 'no-such-handler' });
    await expect(pool.start()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('no-such-handler') });
    expect(pool.threadCount).toBe(0);
  });

  it('fails start for bad handler options', async () => {
    const pool = new WorkerPool({ threads: 1, handler: 'cpu', handlerOptions: { costUs: 'lots' } });
    await expect(pool.start()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('costUs') });
  });
});
