import { describe, expect, it } from 'vitest';
import { dispatchRecordOf, type DispatchRecord, type RecordOutcome } from '../pool/executor.js';
import { seededRandom } from '@lagscale/kafka-core/testing/seeded-random';
import { createHarness, okWithOutput } from '../../test-support/dispatch/dispatch-harness.js';
import { flush, ok, record } from '../../test-support/dispatch/fake-executor.js';

const keyOf = (r: DispatchRecord) => `${r.partition}/${r.key?.toString() ?? ''}`;

describe('Dispatcher ordering', () => {
  it.each([
    { executor: 'that skips like the worker', skipping: true },
    { executor: 'that runs every record', skipping: false },
    // 6,000 records stepped one settle at a time: about 2 s of CPU alone, more than vitest's 5 s
    // default when the machine's two cores are shared; the bound is for a hang, not for speed.
  ])('key mode: per-key order holds under random completion, failures and retries (200 keys), executor $executor', { timeout: 60_000 }, async ({ skipping }) => {
    const random = seededRandom(7);
    const { dispatcher, executor, clock, produced } = createHarness({ ordering: 'key', chunkSize: 16, maxConcurrentChunks: 8, retryBaseMs: 1, retryMaxMs: 1, highWaterMark: 100_000, lowWaterMark: 1, maxUncommittedRecords: 1_000_000 });
    const partitions = 3;
    const perPartition = 2_000;
    const nextOffset = [0, 0, 0];
    for (let batch = 0; batch < 20; batch += 1) {
      for (let p = 0; p < partitions; p += 1) {
        const records: DispatchRecord[] = [];
        for (let i = 0; i < perPartition / 20; i += 1) records.push(record(p, nextOffset[p]!++, `key-${Math.floor(random() * 200)}`));
        dispatcher.enqueue(records);
      }
    }
    const failedOnce = new Set<string>();
    let concurrentKeyViolations = 0;
    while (executor.running.length > 0 || clock.pendingTimers > 0) {
      // No key may be in two running chunks at once.
      const seen = new Map<string, number>();
      executor.running.forEach((chunk, index) => {
        for (const r of chunk.records) {
          const owner = seen.get(keyOf(r));
          if (owner !== undefined && owner !== index) concurrentKeyViolations += 1;
          seen.set(keyOf(r), index);
        }
      });
      if (executor.running.length === 0) clock.advance(1);
      else {
        const settle = skipping ? executor.settleSkipping.bind(executor) : executor.settle.bind(executor);
        settle((r): RecordOutcome => {
          const id = `${r.partition}:${r.offset}`;
          if (random() < 0.03 && !failedOnce.has(id)) {
            failedOnce.add(id);
            return { status: 'failed', error: 'flaky' };
          }
          return okWithOutput(r);
        }, Math.floor(random() * executor.running.length));
      }
      await flush();
    }
    expect(concurrentKeyViolations).toBe(0);
    expect(failedOnce.size).toBeGreaterThan(0);
    const lastByKey = new Map<string, number>();
    for (const r of produced.map(dispatchRecordOf)) {
      expect(r.offset).toBeGreaterThan(lastByKey.get(keyOf(r)) ?? -1);
      lastByKey.set(keyOf(r), r.offset);
    }
    expect(produced).toHaveLength(partitions * perPartition);
    expect(dispatcher.committableOffsets()).toEqual([0, 1, 2].map((partition) => ({ topic: 't', partition, offset: perPartition })));
    expect(dispatcher.stats()).toMatchObject({ pendingRecords: 0, uncommittedBytes: 0 });
    // A failure drawn for a record behind a failed one of its key is discarded with its outcome.
    expect(dispatcher.stats().retries).toBeGreaterThan(0);
    expect(dispatcher.stats().retries).toBeLessThanOrEqual(failedOnce.size);
  });

  it('key mode: chunks fill oldest record first; a key adds its next records while they are the oldest', () => {
    const { dispatcher, executor } = createHarness({ chunkSize: 4, maxConcurrentChunks: 4 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a'), record(0, 2, 'a'), record(0, 3, 'b'), record(0, 4, null), record(0, 5, 'a')]);
    // a@5 is newer than b@3 and the keyless @4, and a is busy once taken: it waits for a's chunk.
    expect(executor.history.map((chunk) => chunk.map((r) => r.offset))).toEqual([[0, 1, 2, 3], [4]]);
  });

  it('key mode: once every ready record is in a chunk with room left, its keys add their next records after their run', () => {
    const { dispatcher, executor } = createHarness({ chunkSize: 5, maxConcurrentChunks: 4 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'b'), record(0, 2, 'a'), record(0, 3, 'b'), record(0, 4, 'a'), record(0, 5, 'a'), record(0, 6, null)]);
    // Oldest first: a@0, b@1 and b@3 (older than the keyless @6), @6; the one place left goes to
    // a's next record, after a's run; a@4 and a@5 wait for a's chunk.
    expect(executor.history.map((chunk) => chunk.map((r) => r.offset))).toEqual([[0, 2, 1, 3, 6]]);
    expect(executor.running[0]?.tags).toEqual([1, 1, 2, 2, 0]);
  });

  it('key mode: a hot key does not hold back the committed offset behind other keys served first', async () => {
    // Round-robin over keys would run a@0, b@2, c@4, then a@1: the partition's completed prefix
    // would sit at 1 while 2 and 4 are done. Oldest first runs them in offset order.
    const { dispatcher, executor } = createHarness({ chunkSize: 1, maxConcurrentChunks: 1 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a'), record(0, 2, 'b'), record(0, 3, 'a'), record(0, 4, 'c')]);
    for (let i = 0; i < 5; i += 1) {
      executor.settle(ok, 0);
      await flush();
    }
    expect(executor.history.map((chunk) => chunk[0]?.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    { mode: 'key' as const, tags: [[1, 1, 1, 2], [0]] },
    { mode: 'partition' as const, tags: [[1, 1, 1, 1], [1]] },
    { mode: 'unordered' as const, tags: [[0, 0, 0, 0], [0, 0]] },
  ])('$mode mode: each lane of a chunk gets an order tag of its own, independent records 0', ({ mode, tags }) => {
    const { dispatcher, executor } = createHarness({ ordering: mode, chunkSize: 4, maxConcurrentChunks: 4 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a'), record(0, 2, 'a'), record(0, 3, 'b'), record(0, 4, null), record(0, 5, 'a')]);
    dispatcher.enqueue([record(1, 0, 'a')]);
    expect(executor.running.slice(0, 2).map((chunk) => chunk.tags)).toEqual(tags);
  });

  it('key mode: a key with a record running is blocked until it settles', async () => {
    const { dispatcher, executor } = createHarness({ chunkSize: 1, maxConcurrentChunks: 4 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'b')]);
    dispatcher.enqueue([record(0, 2, 'a')]);
    expect(executor.running.map((c) => c.records[0]?.offset)).toEqual([0, 1]);
    executor.settle(ok, 0);
    await flush();
    expect(executor.running.map((c) => c.records[0]?.offset)).toEqual([1, 2]);
  });

  it('partition mode: one chunk per partition at a time, in offset order', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'partition', chunkSize: 2, maxConcurrentChunks: 8 });
    dispatcher.enqueue([0, 1, 2, 3, 4].map((offset) => record(0, offset, `k${offset}`)));
    dispatcher.enqueue([0, 1].map((offset) => record(1, offset, null)));
    expect(executor.running.map((c) => c.records.map((r) => `${r.partition}:${r.offset}`))).toEqual([['0:0', '0:1'], ['1:0', '1:1']]);
    executor.settle(ok, 0);
    await flush();
    expect(executor.running.map((c) => c.records.map((r) => `${r.partition}:${r.offset}`))).toEqual([['1:0', '1:1'], ['0:2', '0:3']]);
    executor.settle(ok, 1);
    await flush();
    expect(executor.running.map((c) => c.records.map((r) => `${r.partition}:${r.offset}`))).toEqual([['1:0', '1:1'], ['0:4']]);
  });

  it('unordered: records of one key run in parallel chunks', () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 3 });
    dispatcher.enqueue([0, 1, 2, 3].map((offset) => record(0, offset, 'same')));
    expect(executor.running).toHaveLength(3);
    expect(dispatcher.stats().runningChunks).toBe(3);
  });

  it('never has more than maxConcurrentChunks outstanding', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 2, maxConcurrentChunks: 2 });
    dispatcher.enqueue(Array.from({ length: 10 }, (_, offset) => record(0, offset, null)));
    expect(executor.running).toHaveLength(2);
    executor.settle();
    await flush();
    expect(executor.running).toHaveLength(2);
    expect(executor.history).toHaveLength(3);
  });

  it('skips records it already holds when a batch is fetched again', () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 10 });
    dispatcher.enqueue([record(0, 0, null), record(0, 1, null)]);
    dispatcher.enqueue([record(0, 1, null), record(0, 2, null)]);
    expect(executor.history.flat().map((r) => r.offset)).toEqual([0, 1, 2]);
  });
});
