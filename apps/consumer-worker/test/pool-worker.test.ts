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
