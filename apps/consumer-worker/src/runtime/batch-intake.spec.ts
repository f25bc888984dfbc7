import type { EachBatchPayload } from 'kafkajs';
import { kafkajsFork } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { createHarness } from '../../test-support/dispatch/dispatch-harness.js';
import { flush, type FakeExecutor } from '../../test-support/dispatch/fake-executor.js';
import { recordSet } from '../../test-support/record-batch-fixtures.js';
import { takeBatch, type BatchIntakeContext } from './batch-intake.js';
import { SharedBufferPool } from '../pool/shared-buffers.js';

// kafkajs's own Batch (patched: raw record sets) and decoder, so both paths see what a fetch gives.
const { Batch, protocol: { decodeMessages, Decoder } } = kafkajsFork();

const records = (count: number) => Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i % 2}`), value: Buffer.from(`v${i}`) }));

/** Offsets 10–14 as records, then a transaction's commit marker at 15: the end of the log. */
function logEndingInMarker(): Promise<Buffer> {
  return recordSet(
    { baseOffset: 10, records: records(5), transactional: true, producerId: 3 },
    { baseOffset: 15, records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6) }], control: true, transactional: true, producerId: 3 },
  );
}

type Path = 'record set' | 'record set in shared memory' | 'kafkajs-decoded';

async function batchOf(path: Path, set: Buffer, fetchedOffset = 10): Promise<EachBatchPayload['batch']> {
  const partitionData = { partition: 0, highWatermark: '16', abortedTransactions: [] };
  if (path === 'record set') return new Batch('t', String(fetchedOffset), { ...partitionData, messages: [], recordSet: set });
  if (path === 'record set in shared memory') {
    // as kafkajs assembles a response that came in several reads for a rawRecordSets consumer
    const response = Buffer.from(new SharedArrayBuffer(set.length + 16));
    set.copy(response, 16);
    return new Batch('t', String(fetchedOffset), { ...partitionData, messages: [], recordSet: response.subarray(16) });
  }
  const framed = Buffer.concat([Buffer.alloc(4), set]);
  framed.writeInt32BE(set.length, 0);
  return new Batch('t', String(fetchedOffset), { ...partitionData, messages: await decodeMessages(new Decoder(framed)) });
}

function setup(room: number) {
  const harness = createHarness({ ordering: 'key', chunkSize: 10 });
  const resolved: string[] = [];
  const taken: Array<[number, number]> = [];
  let stopping = false;
  const ctx: BatchIntakeContext = {
    dispatcher: harness.dispatcher,
    room: () => room,
    stopping: () => stopping,
  };
  const payload = (batch: EachBatchPayload['batch']) =>
    ({ batch, resolveOffset: (offset: string) => resolved.push(offset), isStale: () => false }) as unknown as EachBatchPayload;
  /** Takes a batch, noting what was taken: [records, next offset]. */
  const take = async (batch: EachBatchPayload['batch']) => {
    const result = await takeBatch(payload(batch), ctx);
    if (result !== undefined) taken.push([result.taken, result.nextOffset]);
  };
  return { ...harness, take, resolved, taken, stop: () => (stopping = true) };
}

/** Settles chunks as they start (a key's next chunk starts once its last one is done). */
async function settleAll(executor: FakeExecutor): Promise<void> {
  while (executor.running.length > 0) {
    executor.settle();
    await flush();
  }
}

describe('takeBatch', () => {
  it.each(['record set', 'record set in shared memory', 'kafkajs-decoded'] as const)('%s: takes every record, resolves through the trailing marker, and commits past it once they are done', async (path) => {
    const { take, resolved, taken, executor, dispatcher } = setup(100);
    await take(await batchOf(path, await logEndingInMarker()));
    expect(resolved).toEqual(['15']);
    expect(taken).toEqual([[5, 16]]);
    await flush();
    expect(dispatcher.committableOffsets()).toEqual([]);
    await settleAll(executor);
    expect(executor.history.flat().map((r) => r.offset).sort()).toEqual([10, 11, 12, 13, 14]);
    expect(executor.history.flat().map((r) => `${r.key?.toString()}=${r.value?.toString()}`).sort()).toEqual(['k0=v0', 'k0=v2', 'k0=v4', 'k1=v1', 'k1=v3']);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 16 }]);
  });

  it.each(['record set', 'record set in shared memory', 'kafkajs-decoded'] as const)('%s: takes only what fits, resolves the last one taken and skips nothing', async (path) => {
    const { take, resolved, taken, executor, dispatcher } = setup(3);
    await take(await batchOf(path, await logEndingInMarker()));
    expect(resolved).toEqual(['12']);
    expect(taken).toEqual([[3, 13]]);
    await flush();
    await settleAll(executor);
    expect(executor.history.flat().map((r) => r.offset).sort()).toEqual([10, 11, 12]);
    expect(dispatcher.committableOffsets()).toEqual([{ topic: 't', partition: 0, offset: 13 }]);
  });

  it('starts at the fetched offset inside a record batch', async () => {
    const { take, resolved, executor } = setup(100);
    await take(await batchOf('record set', await logEndingInMarker(), 13));
    await flush();
    await settleAll(executor);
    expect(executor.history.flat().map((r) => r.offset).sort()).toEqual([13, 14]);
    expect(resolved).toEqual(['15']);
  });

  it('leaves a batch alone when there is no room or the consumer is stopping', async () => {
    const full = setup(0);
    await full.take(await batchOf('record set', await logEndingInMarker()));
    const stopped = setup(100);
    stopped.stop();
    await stopped.take(await batchOf('kafkajs-decoded', await logEndingInMarker()));
    for (const { resolved, taken, dispatcher } of [full, stopped]) {
      expect({ resolved, taken, inFlight: dispatcher.stats().pendingRecords }).toEqual({ resolved: [], taken: [], inFlight: 0 });
    }
  });
});

describe('takeBatch with pooled responses', () => {
  const MB = 1024 * 1024;

  /** A batch whose record set is a view into a response from `pool`, as kafkajs assembles it with `responseBuffers`. */
  async function pooledBatch(pool: SharedBufferPool): Promise<{ batch: EachBatchPayload['batch']; response: SharedArrayBuffer }> {
    const set = await recordSet({ baseOffset: 10, records: records(5) });
    const response = pool.allocate(set.length + 16);
    set.copy(response, 16);
    const batch = new Batch('t', '10', { partition: 0, highWatermark: '15', abortedTransactions: [], messages: [], recordSet: response.subarray(16) });
    return { batch, response: response.buffer as SharedArrayBuffer };
  }

  function pooledSetup(room: number) {
    const base = setup(room);
    const responses = new SharedBufferPool({ maxFreeBytes: 8 * MB, granularity: MB });
    const indexes = new SharedBufferPool({ maxFreeBytes: 8 * MB, granularity: 64 * 1024 });
    const ctx: BatchIntakeContext = { dispatcher: base.dispatcher, room: () => room, stopping: () => false, responseBuffers: responses, arenaIndexes: indexes };
    const payload = (batch: EachBatchPayload['batch']) => ({ batch, resolveOffset: () => undefined, isStale: () => false }) as unknown as EachBatchPayload;
    return { ...base, responses, indexes, take: (batch: EachBatchPayload['batch']) => takeBatch(payload(batch), ctx) };
  }

  it('reads the records where they were fetched, and the response and the index come back once every record completed', async () => {
    const { take, responses, indexes, executor } = pooledSetup(100);
    const { batch, response } = await pooledBatch(responses);
    await take(batch);
    responses.releaseFetched([batch.recordSet as unknown as Buffer]); // the fetch loop is done with it
    await flush();
    expect(executor.running[0]?.records.map((r) => r.value?.toString())).toEqual(['v0', 'v2', 'v4', 'v1', 'v3']);
    expect(responses.stats().freeBytes).toBe(0);
    await settleAll(executor);
    expect(responses.stats().freeBytes).toBe(MB);
    expect(indexes.stats().freeBytes).toBe(64 * 1024);
    // the next response of a size that fits is written where this one was
    expect(responses.allocate(1000).buffer).toBe(response);
  });

  it('gives the response back at once when the records were copied (only part of them had room)', async () => {
    const { take, responses, executor } = pooledSetup(2);
    const { batch } = await pooledBatch(responses);
    await take(batch);
    responses.releaseFetched([batch.recordSet as unknown as Buffer]);
    expect(responses.stats().freeBytes).toBe(MB);
    await flush();
    expect(executor.running.flatMap((c) => c.records.map((r) => r.value?.toString()))).toEqual(['v0', 'v1']);
  });
});
