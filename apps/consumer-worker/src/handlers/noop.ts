import { z } from 'zod';
import type { Handler, HandlerFactory } from './handler.js';
import { parseHandlerOptions } from './handler-options.js';

/** The noop handler takes no options. */
export const noopOptionsSchema = z.object({});

/** Does nothing and produces nothing: measures the pipeline's own cost, so it skips decoding too. */
const createNoopHandler: HandlerFactory = (options): Handler => {
  parseHandlerOptions('noop', noopOptionsSchema, options);
  return { readsValue: false, handle() {} };
};

export default createNoopHandler;
