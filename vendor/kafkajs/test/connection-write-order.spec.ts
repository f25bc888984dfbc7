import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

type Encoded = { buffer: Buffer };
interface Request {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse(): boolean;
  encode(): Promise<Encoded>;
}
interface ConnectionLike {
  connect(): Promise<void>;
  send(args: { request: Request; response: unknown }): Promise<unknown>;
}
interface QueueLike {
  pending: unknown[];
  push(args: { entry: { correlationId: number; resolve(): void; reject(): void }; expectResponse: boolean; sendRequest(): void }): void;
  maybeThrottle(ms: number): void;
}

const Connection = requireSrc('./network/connection.js') as new (options: Record<string, unknown>) => ConnectionLike;
const RequestQueue = requireSrc('./network/requestQueue/index.js') as new (options: Record<string, unknown>) => QueueLike;
const { createLogger, LEVELS } = requireSrc('./loggers/index.js') as { createLogger(o: { level: number; logCreator(): () => void }): unknown; LEVELS: { NOTHING: number } };
const Encoder = requireSrc('./protocol/encoder.js') as new () => { writeInt32(n: number): { buffer: Buffer }; buffer: Buffer };

const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

// A socket that connects at once and keeps what is written: the order requests reach the wire.
function recordingSocketFactory(written: number[]) {
  return ({ onConnect }: { onConnect(): void }) => {
    const socket = Object.assign(new EventEmitter(), {
      write(buffer: Buffer) {
        // [size int32][apiKey int16][apiVersion int16][correlationId int32][clientId][payload int32: the request's label]
        written.push(buffer.readInt32BE(buffer.length - 4));
      },
      end() {},
      destroy() {},
      unref() {},
      setKeepAlive() {},
    });
    setImmediate(onConnect);
    return socket;
  };
}

// A request whose encoding takes `ticks` turns of the event loop, as compression or many partitions do.
function slowRequest(label: number, ticks: number): Request {
  return {
    apiKey: 0,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => false,
    encode: async () => {
      for (let i = 0; i < ticks; i += 1) await new Promise((resolve) => setImmediate(resolve));
      return new Encoder().writeInt32(label);
    },
  };
}

describe('Connection#send writes requests in the order they were sent', () => {
  it('a request that encodes faster does not overtake one sent before it', async () => {
    const written: number[] = [];
    const connection = new Connection({ host: 'h', port: 1, logger, socketFactory: recordingSocketFactory(written), requestTimeout: 1_000, connectionTimeout: 1_000 });
    await connection.connect();
    const ticks = [8, 1, 5, 0, 3, 2, 7, 0];
    await Promise.all(ticks.map((t, label) => connection.send({ request: slowRequest(label, t), response: {} })));
    expect(written).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a request whose encoding fails does not hold back the ones after it', async () => {
    const written: number[] = [];
    const connection = new Connection({ host: 'h', port: 1, logger, socketFactory: recordingSocketFactory(written), requestTimeout: 1_000, connectionTimeout: 1_000 });
    await connection.connect();
    const failing: Request = { ...slowRequest(0, 0), encode: () => new Promise((_, reject) => setTimeout(() => reject(new Error('encode failed')), 5)) };
    const results = await Promise.allSettled([connection.send({ request: failing, response: {} }), connection.send({ request: slowRequest(1, 0), response: {} })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(written).toEqual([1]);
  });
});

describe('RequestQueue#push', () => {
  it('queues a new request behind pending ones even when a slot is free', () => {
    const sent: number[] = [];
    const queue = new RequestQueue({ maxInFlightRequests: 5, requestTimeout: 1_000, enforceRequestTimeout: false, clientId: 'c', broker: 'b', logger });
    const push = (correlationId: number) =>
      queue.push({ entry: { correlationId, resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(correlationId) });
    queue.maybeThrottle(60_000);
    push(1);
    expect(sent).toEqual([]);
    // The throttle window ends before the pending request was consumed: a new one must wait its turn.
    (queue as unknown as { throttledUntil: number }).throttledUntil = -1;
    push(2);
    expect(sent).toEqual([]);
    expect(queue.pending).toHaveLength(2);
    (queue as unknown as { checkPendingRequests(): void }).checkPendingRequests();
    expect(sent).toEqual([1, 2]);
    (queue as unknown as { destroy(): void }).destroy();
  });
});
