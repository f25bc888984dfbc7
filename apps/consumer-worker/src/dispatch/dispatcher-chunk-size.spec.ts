import { describe, expect, it } from 'vitest';
import { createHarness } from '../../test-support/dispatch/dispatch-harness.js';
import { flush, ok, record } from '../../test-support/dispatch/fake-executor.js';
import type { DispatcherOptions } from './dispatcher-options.js';

const auto: Partial<DispatcherOptions> = {
  ordering: 'unordered',
  chunkSize: 'auto',
  autoChunk: { targetMs: 20, minRecords: 1, maxRecords: 64, initialRecords: 4 },
  maxConcurrentChunks: 1,
};

const records = (count: number) => Array.from({ length: count }, (_, offset) => record(0, offset, null));

describe('Dispatcher with chunkSize auto', () => {
  it('sizes chunks by their round trip when the executor reports no thread time', async () => {
    const { dispatcher, executor, clock } = createHarness(auto);
    dispatcher.enqueue(records(1_000));
    const sizes: number[] = [];
    // cheap records: each chunk may double, up to the largest
    for (let i = 0; i < 6; i += 1) {
      sizes.push(executor.running[0]?.records.length ?? 0);
      executor.settle(ok);
      await flush();
    }
    expect(sizes).toEqual([4, 8, 16, 32, 64, 64]);
    expect(dispatcher.stats().chunkSize).toBe(64);
    // then 10 ms a record: the next chunks fit the 20 ms target, a few records each
    for (let i = 0; i < 6; i += 1) {
      clock.advance(10 * (executor.running[0]?.records.length ?? 0));
      executor.settle(ok);
      await flush();
    }
    expect(executor.running[0]?.records.length).toBeLessThanOrEqual(3);
    expect(dispatcher.stats().chunkSize).toBe(executor.running[0]?.records.length);
  });

  it("uses the executor's thread time when it reports one, not the round trip", async () => {
    const harness = createHarness(auto);
    const executor = Object.assign(harness.executor, { busyMs: 0 });
    const { dispatcher, clock } = harness;
    dispatcher.enqueue(records(1_000));
    for (let i = 0; i < 8; i += 1) {
      // a long wait in the executor's queue, 0.01 ms a record in a thread
      clock.advance(1_000);
      executor.busyMs += 0.01 * (executor.running[0]?.records.length ?? 0);
      executor.settle(ok);
      await flush();
    }
    expect(dispatcher.stats().chunkSize).toBe(64);
    expect(executor.running[0]?.records.length).toBe(64);
  });

  it('keeps a fixed chunk size however long chunks take', async () => {
    const { dispatcher, executor, clock } = createHarness({ ...auto, chunkSize: 5 });
    dispatcher.enqueue(records(100));
    for (let i = 0; i < 4; i += 1) {
      expect(executor.running[0]?.records).toHaveLength(5);
      clock.advance(10_000);
      executor.settle(ok);
      await flush();
    }
    expect(dispatcher.stats().chunkSize).toBe(5);
  });
});
