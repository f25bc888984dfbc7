import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseHandlerOptions, passThrough, type Handler, type HandlerFactory } from '@lagscale/consumer-worker/handlers';
import { hasMarker } from './marker.js';

const optionsSchema = z.object({
  marker: z.string().min(1).default('slow'),
  delayMs: z.coerce.number().int().nonnegative().max(600_000).default(3_000),
  /**
   * A file whose creation releases the held records early: a test holds a record for as long as
   * it needs to look (delayMs is then only the bound), instead of racing a fixed delay.
   */
  releaseFile: z.string().min(1).optional(),
  /** On by default: the safe-commit test reads the output topic to see which records finished. */
  passThrough: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
});

const RELEASE_POLL_MS = 20;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Holds the records that carry the marker (see `hasMarker`) for `delayMs`, or until `releaseFile`
 * exists, before passing them on; every other record goes through at once. A test sees one slow
 * record in flight while later records finish around it.
 */
const createSlowOnMarkerHandler: HandlerFactory = (options): Handler => {
  const { marker, delayMs, releaseFile, passThrough: emit } = parseHandlerOptions('slow-on-marker', optionsSchema, options);
  return {
    async handle(record) {
      if (hasMarker(record, marker)) {
        const until = Date.now() + delayMs;
        if (releaseFile === undefined) await sleep(delayMs);
        else while (Date.now() < until && !(await exists(releaseFile))) await sleep(RELEASE_POLL_MS);
      }
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createSlowOnMarkerHandler;
