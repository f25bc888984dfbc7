import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Handler, HandlerFactory } from './handler.js';
import { parseHandlerOptions } from './handler-options.js';
import { passThrough } from './pass-through.js';

/** The io-wait handler's options: what it parses, and what `--help` and the README list. */
export const ioWaitOptionsSchema = z.object({
  waitMs: z.coerce.number().nonnegative().max(60_000).default(2).describe('Wait per record without using the CPU (like a call to a downstream service), ms'),
  jitterMs: z.coerce.number().nonnegative().max(60_000).default(0).describe('Adds a uniform 0 to jitterMs to each wait, ms'),
  passThrough: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .describe('Pass each record on to the output topic unchanged (with its sequence headers)'),
});

/**
 * An I/O-bound workload: each record waits `waitMs` without using the CPU, then passes through.
 * A replica's throughput is then bound by waiting, not by cores, so adding replicas adds
 * throughput even on a small machine: what the demo and scaling tests need.
 */
const createIoWaitHandler: HandlerFactory = (options): Handler => {
  const { waitMs, jitterMs, passThrough: emit } = parseHandlerOptions('io-wait', ioWaitOptionsSchema, options);
  return {
    readsValue: false,
    async handle(record) {
      // a timer of 0 still waits a millisecond or more: waitMs=0 is a pass-through with no wait
      const wait = jitterMs > 0 ? waitMs + Math.random() * jitterMs : waitMs;
      if (wait > 0) await sleep(wait);
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createIoWaitHandler;
