import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

interface Fetcher {
  start(): Promise<void>;
  stop(): Promise<void>;
}
type CreateFetcher = (options: Record<string, unknown>) => Fetcher;
type CreateWorkerQueue = (options: { workers: unknown[] }) => unknown;
type CreateWorker = (options: { handler: (batch: unknown) => Promise<void>; workerId: number }) => unknown;

const createFetcher = requireSrc('./consumer/fetcher.js') as CreateFetcher;
const createWorkerQueue = requireSrc('./consumer/workerQueue.js') as CreateWorkerQueue;
const createWorker = requireSrc('./consumer/worker.js') as CreateWorker;
const { createLogger, LEVELS } = requireSrc('./loggers/index.js') as { createLogger(o: { level: number; logCreator(): () => void }): unknown; LEVELS: { NOTHING: number } };
const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

interface FakeBatch {
  topic: string;
  partition: number;
}

/** A fetcher over a worker queue whose handler is `handle`; the fetches return `fetches` in turn, then stop it. */
function fetcherOf(fetches: FakeBatch[][], handle: (batch: FakeBatch) => Promise<void>, onFetchHandled: (batches: FakeBatch[]) => void) {
  const events: string[] = [];
  const workerQueue = createWorkerQueue({
    workers: [
      createWorker({
        handler: async (batch) => {
          const b = batch as FakeBatch;
          events.push(`handle ${b.partition}`);
          await handle(b);
        },
        workerId: 0,
      }),
    ],
  });
  let turn = 0;
  // the fetch stops the fetcher once its fetches are used up (called only after start, so `fetcher` is set)
  const fetcher: Fetcher = createFetcher({
    nodeId: 1,
    workerQueue,
    partitionAssignments: new Map(),
    logger,
    fetch: async () => {
      const batches = fetches[turn++];
      if (batches === undefined) {
        void fetcher.stop();
        return [];
      }
      return batches;
    },
    onFetchHandled: (batches: FakeBatch[]) => {
      events.push(`handled ${batches.map((b) => b.partition).join(',')}`);
      onFetchHandled(batches);
    },
  });
  return { fetcher, events };
}

describe('fetcher onFetchHandled (lagscale)', () => {
  it("is told once per fetch, after every one of its batches was handled, before the next fetch's", async () => {
    const batch = (partition: number): FakeBatch => ({ topic: 't', partition });
    const { fetcher, events } = fetcherOf(
      [[batch(0), batch(1)], [batch(2)]],
      () => new Promise((resolve) => setImmediate(resolve)),
      () => undefined,
    );
    await fetcher.start();
    expect(events).toEqual(['handle 0', 'handle 1', 'handled 0,1', 'handle 2', 'handled 2']);
  });

  it('is told when a handler fails too, before the error ends the fetch loop', async () => {
    const told: number[][] = [];
    const { fetcher, events } = fetcherOf(
      [[{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]],
      async (b) => {
        if (b.partition === 0) throw new Error('handler failed');
      },
      (batches) => told.push(batches.map((b) => b.partition)),
    );
    await expect(fetcher.start()).rejects.toThrow('handler failed');
    expect(told).toEqual([[0, 1]]);
    expect(events.at(-1)).toBe('handled 0,1');
  });
});
