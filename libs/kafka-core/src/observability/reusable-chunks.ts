import type { ServerResponse } from 'node:http';

/**
 * A /metrics body in chunks whose Buffers the server hands back once the socket has taken them,
 * so a renderer can fill the same few Buffers again instead of allocating new ones for every
 * chunk. lag-monitor at 5,000 partitions × 50 groups sends ~2,400 chunks of 60 KB per scrape;
 * as new Buffers each, freed only when a collection found them, they kept ~100 MB of malloc's
 * heap resident (docs/decisions/0025).
 */
export interface ReusableChunks {
  readonly chunks: AsyncIterable<string | Buffer>;
  /** Takes back a Buffer chunk after its write has completed: never one the socket may still read. */
  release(chunk: Buffer): void;
}

/** What an exposition callback may return: the text, a stream of it, or reusable chunks. */
export type ExpositionBody = string | NodeJS.ReadableStream | ReusableChunks;

export function isReusableChunks(body: ExpositionBody): body is ReusableChunks {
  return typeof body === 'object' && 'release' in body && typeof body.release === 'function' && 'chunks' in body;
}

/** Bytes queued on a response before the writer waits for it to drain. */
const IN_FLIGHT_BYTES = 256 * 1024;

/** Resolves when the response can take more, or is closed (a scraper that went away). */
function writable(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/**
 * Writes `body` to a response whose head is written, with backpressure, and ends it. Each Buffer
 * goes back to `release` from its write callback (the socket has taken it); a write that failed
 * keeps its Buffer. A chunk source that throws destroys the response: the scraper sees a cut
 * body, never a body that looks whole.
 */
export async function writeReusableChunks(response: ServerResponse, body: ReusableChunks): Promise<void> {
  try {
    for await (const chunk of body.chunks) {
      if (response.destroyed) return;
      response.write(chunk, (err) => {
        if (err == null && typeof chunk !== 'string') body.release(chunk);
      });
      // A few chunks queued before waiting: the next one renders while the socket takes these.
      if (response.writableLength >= IN_FLIGHT_BYTES) await writable(response);
    }
    response.end();
  } catch (err) {
    response.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
