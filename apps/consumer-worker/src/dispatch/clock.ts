/** Time and randomness the dispatcher uses, injectable so tests control retries and timeouts. */
export interface DispatcherClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

/** The real clock; looks globals up per call so vitest fake timers apply to it too. */
export const systemClock: DispatcherClock = {
  now: () => Date.now(),
  // Unref'd: a pending retry must not keep a stopping process alive.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};
