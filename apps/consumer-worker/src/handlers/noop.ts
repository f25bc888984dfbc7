import { z } from 'zod';
import type { Handler, HandlerFactory } from './handler.js';
import { parseHandlerOptions } from './handler-options.js';

/** Does nothing and produces nothing: measures the pipeline's own cost, so it skips decoding too. */
const createNoopHandler: HandlerFactory = (options): Handler => {
  parseHandlerOptions('noop', z.object({}), options);
  return { readsValue: false, handle() {} };
};

export default createNoopHandler;
