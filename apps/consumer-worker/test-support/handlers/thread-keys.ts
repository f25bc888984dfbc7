import { threadId } from 'node:worker_threads';
import type { Handler, HandlerFactory } from '@lagscale/consumer-worker/handlers';

/**
 * Counts records per key in its thread and says so: each record's output is `{ key, thread, n }`
 * (n: the key's count in this thread so far), and `revoke` answers `{ revoked, thread, partition }`
 * with the keys it was given. Declares state, so keyed state is on by default.
 */
const createThreadKeysHandler: HandlerFactory = (): Handler => {
  const counts = new Map<string | null, number>();
  return {
    readsValue: false,
    handle(record) {
      const n = (counts.get(record.key) ?? 0) + 1;
      counts.set(record.key, n);
      return [{ key: record.key, value: { key: record.key, thread: threadId, n } }];
    },
    revoke({ partition, keys }) {
      for (const key of keys) counts.delete(key);
      return [{ value: { revoked: [...keys].sort(), thread: threadId, partition } }];
    },
  };
};

export default createThreadKeysHandler;

export const stateful = true;
