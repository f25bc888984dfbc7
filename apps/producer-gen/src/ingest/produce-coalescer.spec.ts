import { describe, expect, it } from 'vitest';
import { ProduceCoalescer, splitAcks, type CoalescedMessage } from './produce-coalescer.js';
import type { PartitionAck } from './record-offsets.js';

interface Rec {
  partition: number;
  id: string;
}

const recs = (id: string, partitions: number[]): Rec[] => partitions.map((partition, i) => ({ partition, id: `${id}${i}` }));

// A producer that holds each call until released, and writes each partition's records of a call
// as one batch at the partition's next offset.
function heldProducer() {
  const logs = new Map<string, number>();
  const calls: Array<{ topic: string; messages: Array<CoalescedMessage<Rec>>; release(): void; fail(err: Error): void }> = [];
  const produce = (topic: string, messages: Array<CoalescedMessage<Rec>>) =>
    new Promise<PartitionAck[]>((resolve, reject) => {
      calls.push({
        topic,
        messages,
        release: () => {
          const acks = new Map<number, PartitionAck>();
          for (const { record } of messages) {
            const log = `${topic}:${record.partition}`;
            const end = logs.get(log) ?? 0;
            if (!acks.has(record.partition)) acks.set(record.partition, { partition: record.partition, errorCode: 0, baseOffset: String(end) });
            logs.set(log, end + 1);
          }
          resolve([...acks.values()]);
        },
        fail: reject,
      });
    });
  return { calls, produce };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ProduceCoalescer', () => {
  it('sends at once while calls are free, then merges what waits into one call', async () => {
    const { calls, produce } = heldProducer();
    const coalescer = new ProduceCoalescer<Rec>(produce, () => 10, { maxInFlightPerTopic: 1, maxBatchBytes: 1_000 });
    const a = coalescer.send('t', recs('a', [0, 1]), 1_000);
    const b = coalescer.send('t', recs('b', [1, 1, 0]), 2_000);
    const c = coalescer.send('t', recs('c', [1]), 3_000);
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    expect(await a).toEqual([
      { partition: 0, errorCode: 0, baseOffset: '0' },
      { partition: 1, errorCode: 0, baseOffset: '0' },
    ]);
    await flush();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.messages.map((m) => [m.record.id, m.timestamp])).toEqual([['b0', '2000'], ['b1', '2000'], ['b2', '2000'], ['c0', '3000']]);
    calls[1]?.release();
    // partition 1 got b0, b1, c0 at offsets 1, 2, 3; partition 0 got b2 at 1
    expect(await b).toEqual([
      { partition: 1, errorCode: 0, baseOffset: '1' },
      { partition: 0, errorCode: 0, baseOffset: '1' },
    ]);
    expect(await c).toEqual([{ partition: 1, errorCode: 0, baseOffset: '3' }]);
  });

  it('keeps topics apart and caps a merged call by bytes', async () => {
    const { calls, produce } = heldProducer();
    const coalescer = new ProduceCoalescer<Rec>(produce, () => 100, { maxInFlightPerTopic: 1, maxBatchBytes: 250 });
    const first = coalescer.send('t', recs('a', [0]), 1);
    const other = coalescer.send('u', recs('x', [0]), 1);
    const waiting = [coalescer.send('t', recs('b', [0]), 1), coalescer.send('t', recs('c', [0]), 1), coalescer.send('t', recs('d', [0]), 1)];
    expect(calls.map((call) => call.topic)).toEqual(['t', 'u']);
    calls[0]?.release();
    calls[1]?.release();
    await Promise.all([first, other]);
    await flush();
    expect(calls.slice(2).map((call) => call.messages.map((m) => m.record.id))).toEqual([['b0', 'c0']]);
    calls[2]?.release();
    await flush();
    expect(calls.slice(3).map((call) => call.messages.map((m) => m.record.id))).toEqual([['d0']]);
    calls[3]?.release();
    expect((await Promise.all(waiting)).map((acks) => acks[0]?.baseOffset)).toEqual(['1', '2', '3']);
  });

  it('a failed call fails every request it carried, and later requests go on', async () => {
    const { calls, produce } = heldProducer();
    const coalescer = new ProduceCoalescer<Rec>(produce, () => 1, { maxInFlightPerTopic: 1, maxBatchBytes: 1_000 });
    const a = coalescer.send('t', recs('a', [0]), 1);
    const b = coalescer.send('t', recs('b', [0]), 1);
    const c = coalescer.send('t', recs('c', [0]), 1);
    calls[0]?.fail(new Error('broker down'));
    await expect(a).rejects.toThrow('broker down');
    await flush();
    calls[1]?.fail(new Error('still down'));
    await expect(b).rejects.toThrow('still down');
    await expect(c).rejects.toThrow('still down');
    const d = coalescer.send('t', recs('d', [0]), 1);
    calls[2]?.release();
    expect(await d).toEqual([{ partition: 0, errorCode: 0, baseOffset: '0' }]);
  });
});

describe('splitAcks', () => {
  it('passes a failed partition\'s error on to every request that wrote there', () => {
    const acks: PartitionAck[] = [
      { partition: 0, errorCode: 0, baseOffset: '10' },
      { partition: 1, errorCode: 6 },
    ];
    expect(splitAcks(acks, [[{ partition: 0 }, { partition: 1 }], [{ partition: 0 }]])).toEqual([
      [
        { partition: 0, errorCode: 0, baseOffset: '10' },
        { partition: 1, errorCode: 6 },
      ],
      [{ partition: 0, errorCode: 0, baseOffset: '11' }],
    ]);
  });
});
