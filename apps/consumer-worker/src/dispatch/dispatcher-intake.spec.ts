import { describe, expect, it } from 'vitest';
import type { FetchedMessage } from './dispatcher-contract.js';
import { RecordArena } from '../pool/record-arena.js';
import { createHarness } from '../../test-support/dispatch/dispatch-harness.js';
import type { Dispatcher } from './dispatcher.js';
import { flush, ok, record } from '../../test-support/dispatch/fake-executor.js';

function fetched(offsets: number[], key: (offset: number) => string | null = () => 'k'): FetchedMessage[] {
  return offsets.map((offset) => {
    const k = key(offset);
    return { offset: String(offset), key: k === null ? null : Buffer.from(k), value: Buffer.from(`v${offset}`), headers: { seq: Buffer.from(String(offset)) }, timestamp: '1700000000000' };
  });
}

/** Fetched messages as the consumer hands them over: the first `count` copied into an arena. */
function enqueueFetched(dispatcher: Dispatcher, topic: string, partition: number, messages: readonly FetchedMessage[], count = messages.length): void {
  dispatcher.enqueueArena(topic, partition, RecordArena.copyOf(messages, 0, count), messages.slice(0, count).map((m) => Number(m.offset)));
}

describe('Dispatcher.enqueueArena', () => {
  it('counts a batch at once and queues it in the next turn, bytes and all', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 10 });
    const messages = fetched([5, 6, 7]);
    enqueueFetched(dispatcher, 't', 0, messages);
    expect(dispatcher.stats()).toMatchObject({ pendingRecords: 3, uncommittedBytes: 9, uncommittedRecords: 3 });
    expect(executor.running).toHaveLength(0);
    await flush();
    expect(executor.running[0]?.records).toMatchObject([
      { topic: 't', partition: 0, offset: 5, attempt: 1, timestamp: '1700000000000' },
      { offset: 6 },
      { offset: 7 },
    ]);
    expect(executor.running[0]?.records[1]?.value?.toString()).toBe('v6');
    expect(executor.running[0]?.records[2]?.headers.seq?.toString()).toBe('7');
  });

  it.each([
    { name: 'dense offsets', offsets: [10, 11, 12, 13] },
    { name: 'offsets with gaps (compaction, transaction markers)', offsets: [10, 14, 15, 40] },
  ])('takes the offsets as fetched: $name', async ({ offsets }) => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 10 });
    enqueueFetched(dispatcher, 't', 0, fetched(offsets));
    await flush();
    expect(executor.running[0]?.records.map((r) => r.offset)).toEqual(offsets);
    executor.settle(ok);
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: (offsets.at(-1) as number) + 1 }]);
  });

  it('takes only the first `count` messages, and skips the ones it holds when they are fetched again', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 10 });
    enqueueFetched(dispatcher, 't', 0, fetched([0, 1, 2, 3]), 2);
    enqueueFetched(dispatcher, 't', 0, fetched([1, 2, 3]));
    await flush();
    expect(executor.history.flat().map((r) => r.offset)).toEqual([0, 1, 2, 3]);
  });

  it('queues records by key in fetch order', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'key', chunkSize: 10 });
    enqueueFetched(dispatcher, 't', 0, fetched([0, 1, 2, 3], (o) => (o % 2 === 0 ? 'a' : 'b')));
    await flush();
    // Oldest first: a@0, then b@1 (older than a@2), and b@3 once nothing older is ready; with
    // every ready record in and room left, a@2 rides along after a's run instead of waiting for
    // a's chunk to settle. Each key's records stay contiguous and in fetch order.
    expect(executor.running[0]?.records.map((r) => r.offset)).toEqual([0, 2, 1, 3]);
    expect(executor.running[0]?.tags).toEqual([1, 1, 2, 2]);
  });

  it('drops a counted batch of a partition revoked before it was queued', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered' });
    enqueueFetched(dispatcher, 't', 0, fetched([0, 1]));
    dispatcher.revoke('t', [0]);
    await flush();
    expect(executor.history).toHaveLength(0);
    expect(dispatcher.stats()).toMatchObject({ pendingRecords: 0, uncommittedBytes: 0, uncommittedRecords: 0 });
  });

  it('pauses the partition over its high-water mark when it counts the batch', () => {
    const { dispatcher, flowEvents } = createHarness({ highWaterMark: 2, lowWaterMark: 1 });
    enqueueFetched(dispatcher, 't', 3, fetched([0, 1, 2]));
    expect(flowEvents).toEqual(['pause t-3']);
    expect(dispatcher.pausedPartitions).toBe(1);
  });
});

describe('Dispatcher.holdUntil', () => {
  it('queues records but starts no chunk until the executor is ready', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered' });
    let ready: () => void = () => undefined;
    dispatcher.holdUntil(new Promise<void>((resolve) => (ready = resolve)));
    dispatcher.enqueue([record(0, 0, null)]);
    await flush();
    expect(executor.running).toHaveLength(0);
    ready();
    await flush();
    expect(executor.running).toHaveLength(1);
  });

  it('never starts one when the executor fails to start, and drains at once', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered' });
    dispatcher.holdUntil(Promise.reject(new Error('bad handler')));
    dispatcher.enqueue([record(0, 0, null)]);
    await flush();
    expect(executor.history).toHaveLength(0);
    await expect(dispatcher.drain(1_000)).resolves.toBe(true);
    expect(dispatcher.committableOffsets()).toEqual([]);
  });
});

describe('Dispatcher.waitForResume', () => {
  it('resolves at once with nothing paused, on a resume, or at the timeout', async () => {
    const { dispatcher, executor, clock } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 10, highWaterMark: 2, lowWaterMark: 1 });
    await dispatcher.waitForResume(1_000);
    dispatcher.enqueue([record(0, 0, null), record(0, 1, null), record(0, 2, null)]);
    let woke = false;
    void dispatcher.waitForResume(1_000).then(() => (woke = true));
    executor.settle(ok);
    executor.settle(ok);
    await flush();
    expect(woke).toBe(false);
    // below the low-water mark (1): resumed
    executor.settle(ok);
    await flush();
    expect(woke).toBe(true);
    dispatcher.enqueue([record(0, 3, null), record(0, 4, null), record(0, 5, null)]);
    expect(dispatcher.pausedPartitions).toBe(1);
    let timedOut = false;
    void dispatcher.waitForResume(500).then(() => (timedOut = true));
    clock.advance(500);
    await flush();
    expect(timedOut).toBe(true);
  });
});

describe('Dispatcher end-to-end latency', () => {
  it('counts fetch to completion per record, dead letters included', async () => {
    const { dispatcher, executor, clock } = createHarness({ ordering: 'unordered', chunkSize: 10, maxConcurrentChunks: 10 });
    dispatcher.enqueue([record(0, 0, null), record(0, 1, null)]);
    clock.advance(30);
    executor.settle(ok);
    dispatcher.enqueue([record(0, 2, null)]);
    executor.settle(() => ({ status: 'undecodable', error: 'bad' }));
    await flush();
    const snapshot = dispatcher.endToEndSeconds();
    expect(snapshot.count).toBe(3);
    expect(snapshot.sum).toBeCloseTo(0.06, 6);
  });
});

describe('Dispatcher.enqueueArena release', () => {
  /** Enqueues fetched messages with a release that counts its calls. */
  function enqueueCounted(dispatcher: Dispatcher, partition: number, messages: readonly FetchedMessage[]): { calls: number } {
    const released = { calls: 0 };
    dispatcher.enqueueArena('t', partition, RecordArena.copyOf(messages), messages.map((m) => Number(m.offset)), () => (released.calls += 1));
    return released;
  }

  it("is called once, when the arena's last record completed, not when its first chunk did", async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 2, maxConcurrentChunks: 1 });
    const released = enqueueCounted(dispatcher, 0, fetched([0, 1, 2]));
    await flush();
    executor.settle(ok);
    await flush();
    expect(released.calls).toBe(0);
    executor.settle(ok);
    await flush();
    expect(released.calls).toBe(1);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 3 }]);
  });

  it('waits for a retried record to complete, and for a dead letter to be produced', async () => {
    const { dispatcher, executor, clock, deadLettered } = createHarness({ ordering: 'unordered', chunkSize: 10, maxAttempts: 2, retryBaseMs: 100, retryMaxMs: 100 });
    const released = enqueueCounted(dispatcher, 0, fetched([0, 1]));
    await flush();
    executor.settle((r) => (r.offset === 0 ? { status: 'failed', error: 'boom' } : ok()));
    await flush();
    expect(released.calls).toBe(0);
    clock.advance(100);
    await flush();
    executor.settle(() => ({ status: 'failed', error: 'boom again' }));
    await flush();
    expect(deadLettered.map((d) => d.offset)).toEqual([0]);
    expect(released.calls).toBe(1);
  });

  it('is called at once when every record of the arena is held already (a re-fetch)', async () => {
    const { dispatcher } = createHarness({ ordering: 'unordered', chunkSize: 10 });
    enqueueCounted(dispatcher, 0, fetched([0, 1]));
    const again = enqueueCounted(dispatcher, 0, fetched([0, 1]));
    expect(again.calls).toBe(1);
  });

  it('is never called for records dropped with their revoked partition: a thread may still read them', async () => {
    const { dispatcher, executor } = createHarness({ ordering: 'unordered', chunkSize: 1, maxConcurrentChunks: 1 });
    const released = enqueueCounted(dispatcher, 0, fetched([0, 1]));
    await flush();
    dispatcher.revoke('t', [0]);
    executor.settle(ok);
    await flush();
    expect(executor.running).toHaveLength(0);
    expect(released.calls).toBe(0);
  });
});
