import { fileURLToPath } from 'node:url';

export { TEST_MARKER_HEADER, hasMarker } from './handlers/marker.js';

/** Handlers for the consumer's own tests: failures, crashes, delays (`test-support/handlers/`). */
export type TestHandlerName = 'always-throw' | 'throw-on-marker' | 'kill-thread' | 'slow-on-marker' | 'loaded-packages' | 'thread-keys';

/**
 * The path of a test handler, for `CONSUMER_HANDLER`, `--handler` or a pool's `handler`: test
 * handlers are loaded by path, like a user's handler module, and are not among the built-ins.
 */
export function testHandler(name: TestHandlerName): string {
  return fileURLToPath(new URL(`./handlers/${name}.ts`, import.meta.url));
}
