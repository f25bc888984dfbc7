import { AppError } from '@lagscale/kafka-core/errors';

/** Runs async tasks with at most `concurrency` of them in flight, in the order they were given. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * A task still queued when `signal` aborts is never started: it rejects with TIMEOUT, so a cycle
 * past its deadline stops sending requests instead of finishing in the background.
 */
export function createLimiter(concurrency: number, signal?: AbortSignal): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new AppError('CONFIG_INVALID', `concurrency must be a positive integer (got ${concurrency})`, { retriable: false });
  }
  let active = 0;
  const queue: Array<() => void> = [];

  const next = (): void => {
    if (active >= concurrency) return;
    const start = queue.shift();
    if (start === undefined) return;
    active += 1;
    start();
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          const done = (): void => {
            active -= 1;
            next();
          };
          if (signal?.aborted === true) {
            reject(new AppError('TIMEOUT', 'not started: the collection cycle passed its deadline'));
            done();
            return;
          }
          // A task that throws synchronously must still free its slot.
          Promise.resolve()
            .then(task)
            .then(resolve, reject)
            .finally(done);
        });
        next();
      });
    },
  };
}
