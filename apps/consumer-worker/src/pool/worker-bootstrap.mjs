// Worker-thread entry for running the pool from TypeScript sources. A worker thread has only
// Node's own loaders: vitest runs .ts through vite, not a loader hook, and on Node 20 a thread
// does not get the hooks that `--import tsx` registered in the main thread. So register tsx
// here, in the thread, before importing the worker.
import { register } from 'tsx/esm/api';

register();

const worker = await import('./worker.ts');

export default worker.default;
export const revokePartitions = worker.revokePartitions;
