import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

interface Fulfilled {
  size: number;
  correlationId: number;
  payload: Buffer;
}
interface ConnectionLike {
  requestQueue: { fulfillRequest(response: Fulfilled): void };
  processData(chunk: Buffer): void;
}

const Connection = requireSrc('./network/connection.js') as new (options: Record<string, unknown>) => ConnectionLike;
const { createLogger, LEVELS } = requireSrc('./loggers/index.js') as { createLogger(o: { level: number; logCreator(): () => void }): unknown; LEVELS: { NOTHING: number } };

const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

/** A response as the broker frames it: [size int32][correlationId int32][payload]. */
function frame(correlationId: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(4 + payload.length, 0);
  head.writeInt32BE(correlationId, 4);
  return Buffer.concat([head, payload]);
}

/** Feeds `bytes` to a connection in reads of `readSize` bytes; returns the responses it assembled. */
function feed(sharedResponseBuffers: boolean | { allocate(size: number): Buffer }, bytes: Buffer, readSize: number): Fulfilled[] {
  const connection = new Connection({ host: 'localhost', port: 9092, logger, socketFactory: () => undefined, requestTimeout: 1_000, sharedResponseBuffers });
  const fulfilled: Fulfilled[] = [];
  connection.requestQueue.fulfillRequest = (response) => fulfilled.push(response);
  for (let at = 0; at < bytes.length; at += readSize) connection.processData(bytes.subarray(at, at + readSize));
  return fulfilled;
}

describe('Connection sharedResponseBuffers (lagscale)', () => {
  const first = Buffer.from(Array.from({ length: 1_000 }, (_, i) => i % 251));
  const second = Buffer.from('a second response, after the first in the same read');
  const wire = Buffer.concat([frame(7, first), frame(8, second)]);

  it('assembles a response that spans several reads in a SharedArrayBuffer, with the same bytes', () => {
    const responses = feed(true, wire, 97);
    expect(responses.map((r) => r.correlationId)).toEqual([7, 8]);
    expect(responses[0]?.payload.equals(first)).toBe(true);
    expect(responses[1]?.payload.equals(second)).toBe(true);
    expect(responses[0]?.payload.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it.each([
    { reads: 'of 1 byte (the size itself in several reads)', readSize: 1 },
    { reads: 'of 3 bytes', readSize: 3 },
    { reads: 'ending on the first response\'s last byte', readSize: 8 + first.length },
    { reads: 'that hold the end of one response and the start of the next', readSize: 700 },
  ])('fills the shared buffer read by read, for reads $reads', ({ readSize }) => {
    const third = Buffer.alloc(3_000, 7);
    const responses = feed(true, Buffer.concat([wire, frame(9, third)]), readSize);
    expect(responses.map((r) => r.correlationId)).toEqual([7, 8, 9]);
    expect(responses.map((r) => r.size)).toEqual([4 + first.length, 4 + second.length, 4 + third.length]);
    expect(responses[0]?.payload.equals(first)).toBe(true);
    expect(responses[1]?.payload.equals(second)).toBe(true);
    expect(responses[2]?.payload.equals(third)).toBe(true);
    for (const response of responses.filter((r) => r.size + 4 > readSize)) expect(response.payload.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('drops a response half-assembled on the last socket when it connects again', async () => {
    const connection = new Connection({ host: 'localhost', port: 9092, logger, socketFactory: () => undefined, requestTimeout: 1_000, sharedResponseBuffers: true });
    const fulfilled: Fulfilled[] = [];
    connection.requestQueue.fulfillRequest = (response) => fulfilled.push(response);
    connection.processData(frame(7, first).subarray(0, 100));
    // the socket factory gives no socket: the connect fails, after the old socket's state is dropped
    await expect((connection as unknown as { connect(): Promise<unknown> }).connect()).rejects.toThrow();
    connection.processData(frame(8, second));
    expect(fulfilled.map((r) => r.correlationId)).toEqual([8]);
    expect(fulfilled[0]?.payload.equals(second)).toBe(true);
  });

  it('leaves a response that arrives in one read in the socket buffer it came in', () => {
    const [response] = feed(true, frame(9, first), 10_000);
    expect(response?.payload.equals(first)).toBe(true);
    expect(response?.payload.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it("assembles in the memory the caller's allocate gives, whatever it held before", () => {
    const sizes: number[] = [];
    const given: SharedArrayBuffer[] = [];
    const allocate = (size: number): Buffer => {
      sizes.push(size);
      const memory = new SharedArrayBuffer(size + 64);
      Buffer.from(memory).fill(0xee); // a reused buffer still holds its last response
      given.push(memory);
      return Buffer.from(memory, 0, size);
    };
    const responses = feed({ allocate }, wire, 97);
    expect(sizes).toEqual([8 + first.length]);
    expect(responses[0]?.payload.equals(first)).toBe(true);
    expect(responses[0]?.payload.buffer).toBe(given[0]);
    expect(responses[1]?.payload.equals(second)).toBe(true);
  });

  it('concatenates into ordinary memory without the option, as upstream does', () => {
    const responses = feed(false, wire, 97);
    expect(responses.map((r) => r.payload.equals(r.correlationId === 7 ? first : second))).toEqual([true, true]);
    expect(responses[0]?.payload.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});
