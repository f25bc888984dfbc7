import type { Handler, HandlerFactory } from './handler.js';
import { rejectUnknownOptions } from './option-names.js';

/**
 * Does nothing and produces nothing: measures the pipeline's own cost, so it skips decoding too.
 * It takes no options, checked without zod: loading zod costs a thread ~75 ms of CPU at start.
 */
const createNoopHandler: HandlerFactory = (options): Handler => {
  rejectUnknownOptions('noop', [], options);
  return { readsValue: false, handle() {} };
};

export default createNoopHandler;
