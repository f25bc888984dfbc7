import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseHandlerOptions, passThrough, type Handler, type HandlerFactory } from '@lagscale/consumer-worker/handlers';
import { hasMarker } from './marker.js';

const optionsSchema = z.object({
  marker: z.string().min(1).default('slow'),
  delayMs: z.coerce.number().int().nonnegative().max(600_000).default(3_000),
  /** On by default: the safe-commit test reads the output topic to see which records finished. */
  passThrough: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
});

/**
 * Holds the records that carry the marker (see `hasMarker`) for `delayMs` before passing them on;
 * every other record goes through at once. A test sees one slow record in flight while later
 * records finish around it.
 */
const createSlowOnMarkerHandler: HandlerFactory = (options): Handler => {
  const { marker, delayMs, passThrough: emit } = parseHandlerOptions('slow-on-marker', optionsSchema, options);
  return {
    async handle(record) {
      if (hasMarker(record, marker)) await sleep(delayMs);
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createSlowOnMarkerHandler;
