import { createRequire } from 'node:module';
// the registry itself, not the package's handlers entry: the probe must load nothing the handler would not
import { loadHandler } from '../../src/handlers/registry.js';
import type { Handler, HandlerFactory } from '../../src/handlers/handler.js';

/**
 * The npm packages this thread has loaded, by name (kafkajs is vendored: vendor/kafkajs). kafkajs, fastify, pino, prom-client and
 * commander are CommonJS: whatever imports them puts them in `require.cache`.
 */
export function loadedPackages(): string[] {
  const names = Object.keys(createRequire(import.meta.url).cache).map((file) => /\/(?:node_modules|vendor)\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1]);
  return [...new Set(names.filter((name): name is string => name !== undefined))].sort();
}

/**
 * Runs the handler named by its `handler` option (the other options passed on) and fails every
 * record with, as its error, the JSON list of the packages the thread has loaded by then: what a
 * thread running that handler loads. A failure needs no codec, so the probe adds nothing itself.
 */
const createLoadedPackagesHandler: HandlerFactory = async ({ handler = 'noop', ...options }) => {
  const inner: Handler = await loadHandler(handler, options);
  return {
    readsValue: inner.readsValue,
    async handle(record) {
      try {
        await inner.handle(record);
      } catch {
        // the handler's own outcome does not matter here
      }
      throw new Error(JSON.stringify(loadedPackages()));
    },
  };
};

export default createLoadedPackagesHandler;
