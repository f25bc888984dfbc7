import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Handler, HandlerFactory } from '../handler.js';
import { parseHandlerOptions } from '../handler-options.js';
import { passThrough } from '../pass-through.js';

const optionsSchema = z.object({
  maxDelayMs: z.coerce.number().nonnegative().default(2),
  /** On by default: the ordering tests read the output topic to see processing order. */
  passThrough: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
});

/**
 * Waits a random 0–`maxDelayMs` ms (asynchronously, so other work interleaves) and passes the
 * record on: shakes out ordering bugs in the dispatcher.
 */
const createRandomDelayHandler: HandlerFactory = (options): Handler => {
  const { maxDelayMs, passThrough: emit } = parseHandlerOptions('random-delay', optionsSchema, options);
  return {
    async handle(record) {
      await sleep(Math.random() * maxDelayMs);
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createRandomDelayHandler;
