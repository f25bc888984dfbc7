/**
 * Wraps an async function so concurrent and repeated calls share the first call's promise.
 * `stop()` built on it can be called from a signal handler, a test and a finally block at once.
 */
export function sharedPromise<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= fn();
    return pending;
  };
}
