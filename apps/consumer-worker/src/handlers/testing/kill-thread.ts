import { z } from 'zod';
import type { Handler, HandlerFactory } from '../handler.js';
import { parseHandlerOptions } from '../handler-options.js';
import { passThrough } from '../pass-through.js';
import { hasMarker } from './marker.js';

const optionsSchema = z.object({
  marker: z.string().min(1).default('kill'),
  passThrough: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
});

/**
 * Ends its worker thread (`process.exit(1)`, which in a worker stops only that thread) on the
 * first attempt of a record carrying the marker; a retry of that record goes through, so a
 * test sees the crash, the retry of the chunk and the pool's recovery.
 */
const createKillThreadHandler: HandlerFactory = (options): Handler => {
  const { marker, passThrough: emit } = parseHandlerOptions('kill-thread', optionsSchema, options);
  return {
    handle(record) {
      if (record.attempt === 1 && hasMarker(record, marker)) process.exit(1);
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createKillThreadHandler;
