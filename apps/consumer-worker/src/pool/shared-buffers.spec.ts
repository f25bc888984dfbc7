import { describe, expect, it } from 'vitest';
import { SharedBufferPool } from './shared-buffers.js';

const MB = 1024 * 1024;

describe('SharedBufferPool', () => {
  it('gives a Buffer of exactly the size asked over a SharedArrayBuffer rounded up to the granularity', () => {
    const pool = new SharedBufferPool({ maxFreeBytes: 8 * MB, granularity: MB });
    const buffer = pool.allocate(MB + 1);
    expect(buffer.length).toBe(MB + 1);
    expect(buffer.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(buffer.buffer.byteLength).toBe(2 * MB);
    expect(pool.allocate(10).buffer.byteLength).toBe(MB);
  });

  it('reuses a buffer only once every hold on it was given back', () => {
    const pool = new SharedBufferPool({ maxFreeBytes: 8 * MB, granularity: MB });
    const first = pool.allocate(1000).buffer as SharedArrayBuffer;
    expect(pool.hold(first)).toBe(true);
    pool.release(first); // the fetch loop's hold
    expect(pool.allocate(1000).buffer).not.toBe(first);
    pool.release(first); // the arena's
    expect(pool.stats()).toMatchObject({ freeBytes: MB });
    expect(pool.allocate(1000).buffer).toBe(first);
    expect(pool.stats()).toMatchObject({ allocated: 2, reused: 1, freeBytes: 0 });
  });

  it('ignores what it did not give out, and a release past the last hold', () => {
    const pool = new SharedBufferPool({ maxFreeBytes: 8 * MB, granularity: MB });
    const foreign = new SharedArrayBuffer(MB);
    expect(pool.hold(foreign)).toBe(false);
    pool.release(foreign);
    expect(pool.allocate(10).buffer).not.toBe(foreign);

    const buffer = pool.allocate(10).buffer as SharedArrayBuffer;
    pool.release(buffer);
    pool.release(buffer);
    expect(pool.hold(buffer)).toBe(false);
    // on the free list once, not twice: two allocations get two buffers
    expect(pool.allocate(10).buffer).toBe(buffer);
    expect(pool.allocate(10).buffer).not.toBe(buffer);
  });

  it('takes the smallest free buffer that fits, and never one over twice the size', () => {
    const pool = new SharedBufferPool({ maxFreeBytes: 64 * MB, granularity: MB });
    const small = pool.allocate(MB).buffer as SharedArrayBuffer;
    const large = pool.allocate(8 * MB).buffer as SharedArrayBuffer;
    pool.release(large);
    pool.release(small);
    expect(pool.allocate(2 * MB).buffer.byteLength).toBe(2 * MB); // neither: 1 MB is too small, 8 MB too large
    expect(pool.allocate(MB / 2).buffer).toBe(small);
    expect(pool.allocate(5 * MB).buffer).toBe(large);
  });

  it('keeps at most maxFreeBytes of free buffers and leaves the rest to the collector', () => {
    const pool = new SharedBufferPool({ maxFreeBytes: 2 * MB, granularity: MB });
    const buffers = [pool.allocate(MB), pool.allocate(MB), pool.allocate(MB)].map((b) => b.buffer as SharedArrayBuffer);
    for (const buffer of buffers) pool.release(buffer);
    expect(pool.stats().freeBytes).toBe(2 * MB);
    expect([pool.allocate(MB).buffer, pool.allocate(MB).buffer, pool.allocate(MB).buffer]).toEqual([buffers[0], buffers[1], expect.any(SharedArrayBuffer)]);
    expect(pool.stats()).toMatchObject({ allocated: 4, reused: 2 });
  });

  it("gives back the fetch loop's hold once per response, whatever its batches are views of", () => {
    const pool = new SharedBufferPool({ maxFreeBytes: 8 * MB, granularity: MB });
    const response = pool.allocate(4000);
    const other = pool.allocate(4000);
    pool.hold(response.buffer as SharedArrayBuffer); // an arena of one of its batches
    pool.releaseFetched([response.subarray(0, 100), response.subarray(100, 200), undefined, Buffer.alloc(10), response.subarray(300)]);
    // the arena's hold is left: not free yet
    expect(pool.stats().freeBytes).toBe(0);
    pool.release(response.buffer as SharedArrayBuffer);
    expect(pool.stats().freeBytes).toBe(MB);
    expect(pool.hold(other.buffer as SharedArrayBuffer)).toBe(true);
  });
});
