import { describe, expect, it } from 'vitest';
import { createHarness, okWithOutput } from '../../test-support/dispatch/dispatch-harness.js';
import { flush, ok, record } from '../../test-support/dispatch/fake-executor.js';

const offsets = (from: number, count: number, partition = 0, key: string | null = null) => Array.from({ length: count }, (_, i) => record(partition, from + i, key));

describe('Dispatcher commits', () => {
  it('holds the commit at a slow record while later ones finish, then moves past them', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 10 });
    dispatcher.enqueue(offsets(0, 6));
    executor.settle(ok, 0); // offset 0
    await flush();
    // Offset 1 is the slow one (now at index 0); everything after it finishes.
    for (let i = 0; i < 4; i += 1) executor.settle(ok, 1);
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 1 }]);
    dispatcher.markCommitted([{ topic: 't', partition: 0, offset: 1 }]);
    expect(dispatcher.committableOffsets()).toEqual([]);
    executor.settle(ok, 0);
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 6 }]);
  });

  it('completes a record only after its outputs are produced', async () => {
    const { dispatcher, executor, holdOutputs } = createHarness();
    const produce = holdOutputs();
    dispatcher.enqueue([record(0, 0, 'a')]);
    executor.settle(okWithOutput);
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([]);
    produce();
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 1 }]);
  });
});

describe('Dispatcher backpressure', () => {
  it('pauses a partition over the high-water mark and resumes it below the low one', async () => {
    const { dispatcher, executor, flowEvents } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 100, highWaterMark: 4, lowWaterMark: 2 });
    dispatcher.enqueue(offsets(0, 4));
    expect(flowEvents).toEqual([]);
    dispatcher.enqueue(offsets(4, 1));
    expect(flowEvents).toEqual(['pause t-0']);
    expect(dispatcher.stats().pausedPartitions).toBe(1);
    for (const expected of [['pause t-0'], ['pause t-0'], ['pause t-0'], ['pause t-0', 'resume t-0']]) {
      executor.settle(ok);
      await flush();
      expect(flowEvents).toEqual(expected);
    }
    expect(dispatcher.stats()).toMatchObject({ pendingRecords: 1, pausedPartitions: 0 });
  });

  it.each([
    // 8 uncommitted records: paused over 6, resumed at 4 (≤ 75 % of 6).
    { name: 'records', options: { maxUncommittedRecords: 6 }, settlesToResume: 4 },
    // 4 one-byte + 4 two-byte values = 12 bytes: paused over 10, resumed at 6 (≤ 7.5) after 4 + 1 settle.
    { name: 'bytes', options: { maxUncommittedBytes: 10 }, settlesToResume: 5 },
  ])('pauses every partition over the total $name bound until back under 75 %', async ({ options, settlesToResume }) => {
    const { dispatcher, executor, flowEvents } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 100, ...options });
    dispatcher.enqueue(offsets(0, 4, 0));
    expect(flowEvents).toEqual([]);
    dispatcher.enqueue(offsets(0, 4, 1).map((r) => ({ ...r, value: Buffer.from('vv') })));
    expect(flowEvents.sort()).toEqual(['pause t-0', 'pause t-1']);
    expect(dispatcher.stats()).toMatchObject({ pendingRecords: 8, uncommittedBytes: 12, pausedPartitions: 2 });
    for (let i = 1; i < settlesToResume; i += 1) executor.settle(ok);
    await flush();
    expect(flowEvents).toHaveLength(2);
    executor.settle(ok);
    await flush();
    expect(flowEvents.slice(2).sort()).toEqual(['resume t-0', 'resume t-1']);
  });
});

describe('Dispatcher revocation', () => {
  it('drops queued records and trackers; late outcomes complete and commit nothing', async () => {
    const { dispatcher, executor, produced } = createHarness({ ordering: 'partition', chunkSize: 2, maxConcurrentChunks: 4 });
    dispatcher.enqueue(offsets(0, 4, 0));
    dispatcher.enqueue(offsets(0, 4, 1));
    expect(executor.running).toHaveLength(2);
    dispatcher.revoke('t', [0]);
    expect(dispatcher.stats()).toMatchObject({ trackedPartitions: 1, pendingRecords: 4 });
    executor.settle(okWithOutput, 0); // partition 0's chunk, finishing after the revoke
    executor.settle(okWithOutput, 0);
    await flush();
    expect(produced.map((r) => r.partition)).toEqual([1, 1]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 1, offset: 2 }]);
    // Its queued records never run.
    expect(executor.running.map((c) => c.records.map((r) => `${r.partition}:${r.offset}`))).toEqual([['1:2', '1:3']]);
  });

  it('starts a fresh tracker when a revoked partition comes back, ignoring the old chunks', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 4 });
    dispatcher.enqueue(offsets(10, 2));
    dispatcher.revoke('t', [0]);
    dispatcher.enqueue(offsets(10, 2));
    executor.settle(ok, 0); // the old owner's 10
    executor.settle(ok, 0); // the old owner's 11
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([]);
    executor.settle(ok, 0);
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 11 }]);
  });

  it('drops a pending retry of a revoked partition', async () => {
    const { dispatcher, executor, clock } = createHarness();
    dispatcher.enqueue([record(0, 0, 'a')]);
    executor.settle(() => ({ status: 'failed', error: 'boom' }));
    await flush();
    dispatcher.revoke('t', [0]);
    clock.advance(1_000);
    await flush();
    expect(executor.running).toHaveLength(0);
    expect(dispatcher.stats().pendingRecords).toBe(0);
  });
});

describe('Dispatcher drain', () => {
  it('waits for running chunks and their outputs, starts nothing new, and refuses new records', async () => {
    const { dispatcher, executor, produced } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 1 });
    dispatcher.enqueue(offsets(0, 3));
    let drained: boolean | undefined;
    void dispatcher.drain(5_000).then((result) => (drained = result));
    expect(() => dispatcher.enqueue(offsets(3, 1))).toThrow(expect.objectContaining({ code: 'SHUTTING_DOWN' }));
    await flush();
    expect(drained).toBeUndefined();
    executor.settle(okWithOutput);
    await flush();
    expect(drained).toBe(true);
    expect(executor.history).toHaveLength(1);
    expect(produced.map((r) => r.offset)).toEqual([0]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 1 }]);
  });

  it('gives up at the timeout', async () => {
    const { dispatcher, clock } = createHarness();
    dispatcher.enqueue([record(0, 0, 'a')]);
    const drained = dispatcher.drain(1_000);
    clock.advance(1_000);
    await expect(drained).resolves.toBe(false);
  });

  it('cancels pending retries so they do not hold the drain', async () => {
    const { dispatcher, executor } = createHarness();
    dispatcher.enqueue([record(0, 0, 'a')]);
    executor.settle(() => ({ status: 'failed', error: 'boom' }));
    await flush();
    const drained = dispatcher.drain(1_000);
    await expect(drained).resolves.toBe(true);
    expect(dispatcher.committableOffsets()).toEqual([]);
  });

  it('resolves at once when idle', async () => {
    await expect(createHarness().dispatcher.drain(10)).resolves.toBe(true);
  });
});

describe('Dispatcher stats', () => {
  it('reports chunk queue wait from the injected clock', async () => {
    const { dispatcher, executor, clock } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 1 });
    dispatcher.enqueue(offsets(0, 2));
    clock.advance(30);
    executor.settle(ok);
    await flush();
    expect(dispatcher.stats()).toMatchObject({ chunksStarted: 2, chunkQueueWaitMsTotal: 30, executorQueuedChunks: 0 });
  });
});
