import { z } from 'zod';
import { parseHandlerOptions, passThrough, type Handler, type HandlerFactory } from '@lagscale/consumer-worker/handlers';
import { hasMarker } from './marker.js';

const optionsSchema = z.object({
  marker: z.string().min(1).default('poison'),
  /** Pass the other records on to the output topic. */
  passThrough: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
});

/** Fails the records that carry the marker (see `hasMarker`), on every attempt. */
const createThrowOnMarkerHandler: HandlerFactory = (options): Handler => {
  const { marker, passThrough: emit } = parseHandlerOptions('throw-on-marker', optionsSchema, options);
  return {
    handle(record) {
      if (hasMarker(record, marker)) throw new Error(`throw-on-marker: record carries marker "${marker}"`);
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createThrowOnMarkerHandler;
