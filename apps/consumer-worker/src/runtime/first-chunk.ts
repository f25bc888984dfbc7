import type { ChunkExecutor } from '../pool/index.js';

/**
 * `executor` as it is, except that `onFirst` is called once, when the first chunk that ran comes
 * back (whatever its records' outcomes): the moment a replica became productive, which its start
 * is measured by (docs/decisions/0026). After that, chunks go straight to `executor`.
 */
export function signalFirstChunk(executor: ChunkExecutor, onFirst: () => void): ChunkExecutor {
  let signalled = false;
  const revoke = executor.revoke;
  return {
    run(records, orderTags) {
      const running = executor.run(records, orderTags);
      if (signalled) return running;
      return running.then((outcomes) => {
        if (!signalled) {
          signalled = true;
          onFirst();
        }
        return outcomes;
      });
    },
    get queued() {
      return executor.queued;
    },
    // absent when the executor has none: the dispatcher then knows there is no keyed state
    ...(revoke === undefined ? {} : { revoke: (topic: string, partitions: readonly number[]) => revoke.call(executor, topic, partitions) }),
    close: () => executor.close(),
  };
}
