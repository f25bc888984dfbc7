import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimiter', () => {
  it.each([
    { concurrency: 1, tasks: 5 },
    { concurrency: 3, tasks: 10 },
    { concurrency: 8, tasks: 4 },
  ])('keeps at most $concurrency of $tasks tasks in flight and runs them all', async ({ concurrency, tasks }) => {
    const limiter = createLimiter(concurrency);
    let active = 0;
    let peak = 0;
    const gates = Array.from({ length: tasks }, () => deferred());
    const results = gates.map((gate, i) =>
      limiter.run(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await gate.promise;
        active -= 1;
        return i;
      }),
    );
    for (const gate of gates) {
      await new Promise((resolve) => setImmediate(resolve));
      gate.resolve();
    }
    expect(await Promise.all(results)).toEqual(gates.map((_, i) => i));
    expect(peak).toBe(Math.min(concurrency, tasks));
  });

  it('frees the slot of a task that throws or rejects', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => { throw new Error('sync'); })).rejects.toThrow('sync');
    await expect(limiter.run(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(await limiter.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('never starts a task still queued when the signal aborts', async () => {
    const controller = new AbortController();
    const limiter = createLimiter(1, controller.signal);
    const gate = deferred();
    let started = 0;
    const first = limiter.run(async () => {
      started += 1;
      await gate.promise;
    });
    const second = limiter.run(async () => {
      started += 1;
    });
    controller.abort();
    gate.resolve();
    await first;
    await expect(second).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(started).toBe(1);
  });

  it.each([{ concurrency: 0 }, { concurrency: 1.5 }, { concurrency: Number.NaN }])('rejects concurrency $concurrency', ({ concurrency }) => {
    expect(() => createLimiter(concurrency)).toThrow(/concurrency must be a positive integer/);
  });
});
