import { describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../pool/executor.js';
import { createHarness, okWithOutput } from '../../test-support/dispatch/dispatch-harness.js';
import { flush, ok, record } from '../../test-support/dispatch/fake-executor.js';

const fail = (): RecordOutcome => ({ status: 'failed', error: 'boom' });

describe('Dispatcher failures', () => {
  it('retries a failed record after a backoff without blocking other keys', async () => {
    const { dispatcher, executor, clock, produced } = createHarness({ chunkSize: 1, maxConcurrentChunks: 4, retryBaseMs: 100 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'b'), record(0, 2, 'a'), record(0, 3, 'b')]);
    executor.settle(fail); // a@0
    await flush();
    // b goes on while a waits; a's next record stays behind its failed one.
    executor.settle(okWithOutput); // b@1
    await flush();
    expect(executor.running.map((c) => c.records[0]?.offset)).toEqual([3]);
    executor.settle(okWithOutput); // b@3
    await flush();
    expect(executor.running).toHaveLength(0);
    clock.advance(99);
    await flush();
    expect(executor.running).toHaveLength(0);
    clock.advance(1);
    await flush();
    expect(executor.running.map((c) => c.records[0])).toMatchObject([{ offset: 0, attempt: 2 }]);
    executor.settle(okWithOutput);
    await flush();
    executor.settle(okWithOutput);
    await flush();
    expect(produced.map((r) => r.offset)).toEqual([1, 3, 0, 2]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 4 }]);
    expect(dispatcher.stats().retries).toBe(1);
  });

  it.each([
    { name: 'exponential backoff between attempts', maxAttempts: 3, delaysMs: [100, 200] },
    { name: 'a single attempt dead-letters at once', maxAttempts: 1, delaysMs: [] },
  ])('dead-letters after maxAttempts with the attempt count: $name', async ({ maxAttempts, delaysMs }) => {
    const { dispatcher, executor, clock, deadLettered } = createHarness({ maxAttempts, retryBaseMs: 100, retryMaxMs: 10_000 });
    dispatcher.enqueue([record(0, 7, 'poison')]);
    for (const delayMs of delaysMs) {
      executor.settle(fail);
      await flush();
      clock.advance(delayMs - 1);
      await flush();
      expect(executor.running).toHaveLength(0);
      clock.advance(1);
      await flush();
    }
    executor.settle(fail);
    await flush();
    expect(deadLettered).toEqual([{ offset: 7, reason: 'boom', attempts: maxAttempts }]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 8 }]);
    expect(dispatcher.stats()).toMatchObject({ deadLettered: 1, retries: maxAttempts - 1, pendingRecords: 0 });
  });

  it('dead-letters an undecodable record at once and goes on with its key', async () => {
    const { dispatcher, executor, deadLettered, produced } = createHarness({ chunkSize: 10 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a')]);
    executor.settle((r) => (r.offset === 0 ? { status: 'undecodable', error: 'bad json' } : okWithOutput(r)));
    await flush();
    expect(deadLettered).toEqual([{ offset: 0, reason: 'undecodable: bad json', attempts: 1 }]);
    expect(produced.map((r) => r.offset)).toEqual([1]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 2 }]);
  });

  it('re-runs the records after a failed one of the same key in a chunk, after it', async () => {
    const { dispatcher, executor, clock, produced } = createHarness({ chunkSize: 10 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a'), record(0, 2, 'a'), record(0, 3, 'b')]);
    executor.settle((r) => (r.offset === 1 ? fail() : okWithOutput(r)));
    await flush();
    // 2 ran before 1 succeeded, so its outcome is dropped; 3 is another key and stands.
    expect(produced.map((r) => r.offset)).toEqual([0, 3]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 1 }]);
    clock.advance(100);
    await flush();
    expect(executor.running[0]?.records).toMatchObject([
      { offset: 1, attempt: 2 },
      { offset: 2, attempt: 1 },
    ]);
    executor.settle(okWithOutput);
    await flush();
    expect(produced.map((r) => r.offset)).toEqual([0, 3, 1, 2]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 4 }]);
  });

  it('puts records the worker skipped behind the retry of the failed one, without counting an attempt', async () => {
    const { dispatcher, executor, clock, produced } = createHarness({ chunkSize: 10 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a'), record(0, 2, 'a'), record(0, 3, 'b'), record(0, 4, 'a')]);
    // a@4 is newer than b@3: it joins a's run only because the chunk has room once b@3 is in.
    expect(executor.running[0]?.records.map((r) => r.offset)).toEqual([0, 1, 2, 4, 3]);
    expect(executor.running[0]?.tags).toEqual([1, 1, 1, 1, 2]);
    executor.settleSkipping((r) => (r.offset === 1 ? fail() : okWithOutput(r)));
    await flush();
    // a@2 and a@4 were never run; b@3 is another key and stands.
    expect(produced.map((r) => r.offset)).toEqual([0, 3]);
    expect(dispatcher.stats()).toMatchObject({ failed: 1, retries: 1 });
    clock.advance(100);
    await flush();
    expect(executor.running[0]?.records).toMatchObject([
      { offset: 1, attempt: 2 },
      { offset: 2, attempt: 1 },
      { offset: 4, attempt: 1 },
    ]);
    executor.settleSkipping(okWithOutput);
    await flush();
    expect(produced.map((r) => r.offset)).toEqual([0, 3, 1, 2, 4]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 5 }]);
    expect(dispatcher.stats()).toMatchObject({ failed: 1, retries: 1, processed: 5, pendingRecords: 0 });
  });

  it('dead-letters a record that keeps failing while the records skipped behind it wait, then runs them', async () => {
    const { dispatcher, executor, clock, produced, deadLettered } = createHarness({ chunkSize: 10, maxAttempts: 2 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a')]);
    executor.settleSkipping((r) => (r.offset === 0 ? fail() : okWithOutput(r)));
    await flush();
    clock.advance(100);
    await flush();
    expect(executor.running[0]?.records.map((r) => [r.offset, r.attempt])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    executor.settleSkipping((r) => (r.offset === 0 ? fail() : okWithOutput(r)));
    await flush();
    expect(deadLettered).toEqual([{ offset: 0, reason: 'boom', attempts: 2 }]);
    expect(executor.running[0]?.records.map((r) => [r.offset, r.attempt])).toEqual([[1, 1]]);
    executor.settleSkipping(okWithOutput);
    await flush();
    expect(produced.map((r) => r.offset)).toEqual([1]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 2 }]);
  });

  it('re-runs a skipped record at once when nothing before it failed (an executor that only skipped)', async () => {
    const { dispatcher, executor, produced } = createHarness({ chunkSize: 10 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a')]);
    executor.settle((r) => (r.offset === 0 ? okWithOutput(r) : { status: 'skipped' }));
    await flush();
    expect(executor.running[0]?.records).toMatchObject([{ offset: 1, attempt: 1 }]);
    executor.settle(okWithOutput);
    await flush();
    expect(produced.map((r) => r.offset)).toEqual([0, 1]);
    expect(dispatcher.stats()).toMatchObject({ retries: 0, failed: 0 });
  });

  it('retries a record whose outputs could not be produced', async () => {
    const { dispatcher, executor, clock, produced, failOutputs } = createHarness();
    failOutputs(1);
    dispatcher.enqueue([record(0, 0, 'a')]);
    executor.settle(okWithOutput);
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([]);
    clock.advance(100);
    await flush();
    executor.settle(okWithOutput);
    await flush();
    expect(produced.map((r) => r.attempt)).toEqual([2]);
    expect(dispatcher.stats()).toMatchObject({ produceErrors: 1, retries: 1 });
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 1 }]);
  });

  it('dead-letters at once, without retries, a record whose outputs can never be produced', async () => {
    const { dispatcher, executor, produced, deadLettered, failOutputs } = createHarness({ maxAttempts: 5 });
    failOutputs(1, false);
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'a')]);
    executor.settle(okWithOutput);
    await flush();
    expect(deadLettered).toEqual([{ offset: 0, reason: 'not retriable: producing outputs failed: no output topic is set', attempts: 1 }]);
    expect(produced.map((r) => r.offset)).toEqual([1]);
    expect(executor.running).toHaveLength(0);
    expect(dispatcher.stats()).toMatchObject({ produceErrors: 1, retries: 0 });
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 2 }]);
  });

  it('re-runs a chunk whose worker crashed', async () => {
    const { dispatcher, executor, produced } = createHarness({ chunkSize: 10, maxChunkCrashes: 2 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'b')]);
    executor.running[0]?.reject(new Error('worker exited'));
    await flush();
    expect(executor.running[0]?.records.map((r) => r.offset)).toEqual([0, 1]);
    executor.settle(okWithOutput);
    await flush();
    expect(produced.map((r) => r.offset)).toEqual([0, 1]);
    expect(dispatcher.stats().chunkCrashes).toBe(1);
  });

  it('isolates the poison record of a chunk that keeps crashing and dead-letters only it', async () => {
    const { dispatcher, executor, produced, deadLettered } = createHarness({ chunkSize: 10, maxChunkCrashes: 2 });
    dispatcher.enqueue([record(0, 0, 'a'), record(0, 1, 'b'), record(0, 2, 'c')]);
    let runs = 0;
    while (executor.running.length > 0 && runs < 20) {
      runs += 1;
      const chunk = executor.running[0];
      if (chunk?.records.some((r) => r.offset === 1)) chunk.reject(new Error('process.exit in worker'));
      else executor.settle(okWithOutput);
      await flush();
    }
    // Two crashes together, then each alone: 0 and 2 pass, 1 crashes once more and is dead-lettered.
    expect(executor.history.map((c) => c.map((r) => r.offset))).toEqual([[0, 1, 2], [0, 1, 2], [0], [1], [2]]);
    expect(produced.map((r) => r.offset).sort()).toEqual([0, 2]);
    expect(deadLettered).toMatchObject([{ offset: 1, attempts: 1 }]);
    expect(deadLettered[0]?.reason).toMatch(/^worker crashed 3 times running it: process.exit in worker/);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 3 }]);
    expect(dispatcher.stats().chunkCrashes).toBe(3);
  });

  it('treats a synchronous throw of the executor like a crash', async () => {
    const { dispatcher, executor } = createHarness();
    let throws = 1;
    const run = executor.run.bind(executor);
    executor.run = (records) => {
      if (throws-- > 0) throw new Error('pool closed');
      return run(records);
    };
    dispatcher.enqueue([record(0, 0, 'a')]);
    await flush();
    expect(executor.running).toHaveLength(1);
    executor.settle(ok);
    await flush();
    expect(dispatcher.stats().chunkCrashes).toBe(1);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 1 }]);
  });
});
