import type { DispatcherClock } from './clock.js';

/**
 * The dispatcher's shutdown: once draining, every wait (a retry backoff) ends at once and nothing
 * new starts, and `drain` resolves when the work in progress is done (the dispatcher says so
 * through `settled`) or at its timeout.
 */
export class Drain {
  #draining = false;
  readonly #waking = new Map<unknown, (woke: boolean) => void>();
  readonly #idleWaiters: Array<() => void> = [];

  constructor(private readonly clock: DispatcherClock) {}

  get draining(): boolean {
    return this.#draining;
  }

  /** Resolves true after `ms`, or false at once when draining (so nothing waits past a drain). */
  sleep(ms: number): Promise<boolean> {
    if (this.#draining) return Promise.resolve(false);
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(() => {
        this.#waking.delete(handle);
        resolve(true);
      }, ms);
      this.#waking.set(handle, resolve);
    });
  }

  /** Starts draining: ends every wait; resolves true once idle (now, or at a later `settled(true)`), false at the timeout. */
  drain(timeoutMs: number, idle: boolean): Promise<boolean> {
    this.#draining = true;
    for (const [handle, wake] of this.#waking) {
      this.clock.clearTimeout(handle);
      wake(false);
    }
    this.#waking.clear();
    if (idle) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(false), timeoutMs);
      this.#idleWaiters.push(() => {
        this.clock.clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Some work finished; `idle`: none is left. Completes a drain waiting for that. */
  settled(idle: boolean): void {
    if (!this.#draining || !idle) return;
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
