import { z } from 'zod';
import type { Handler, HandlerFactory, HandlerRecord } from './handler.js';
import { parseHandlerOptions } from './handler-options.js';
import { passThrough } from './pass-through.js';

export interface CpuHandlerOptions {
  /** CPU time to burn per record, microseconds. */
  costUs: number;
  /** Wall time spent measuring this thread's hashing speed at start, milliseconds. */
  calibrateMs: number;
  /** Also pass each record on to the output topic. */
  passThrough: boolean;
}

export const defaultCpuHandlerOptions = {
  costUs: 200,
  calibrateMs: 30,
  passThrough: false,
} satisfies CpuHandlerOptions;

/** The cpu handler's options: what it parses, and what `--help` and the README list. */
export const cpuOptionsSchema = z.object({
  costUs: z.coerce.number().nonnegative().default(defaultCpuHandlerOptions.costUs).describe('CPU time to burn per record, microseconds'),
  calibrateMs: z.coerce
    .number()
    .positive()
    .max(1_000)
    .default(defaultCpuHandlerOptions.calibrateMs)
    .describe("Time spent at start measuring the thread's hashing speed, ms"),
  passThrough: z
    .enum(['true', 'false'])
    .default(defaultCpuHandlerOptions.passThrough ? 'true' : 'false')
    .transform((value) => value === 'true')
    .describe('Also pass each record on to the output topic'),
});

/**
 * Rounds of a 32-bit multiply-xorshift hash: real integer work the JIT cannot drop, because
 * the result feeds the next call.
 */
export function hashRounds(seed: number, rounds: number): number {
  let h = seed | 0;
  for (let i = 0; i < rounds; i += 1) {
    h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
    h ^= i;
  }
  return h;
}

const CALIBRATION_BATCH = 10_000;
const CALIBRATION_TRY_MS = 1;
const WARM_UP_MS = 60;

/**
 * Hash rounds per microsecond on this thread, timed by the wall clock (Node 20 has no clock of a
 * thread's CPU time): the best of many 1 ms tries. A try during which the thread was preempted
 * runs slow, and a slow rate makes every record burn less than its cost; short tries make it
 * likely that some ran whole on a core even on a busy machine.
 */
export function calibrateRoundsPerUs(calibrateMs: number): number {
  let best = 0;
  let sink = 0;
  // Untimed warm-up first: measured while V8 still interprets hashRounds, the rate comes out
  // several times too low and every record then burns a fraction of its cost.
  const warmUntil = process.hrtime.bigint() + BigInt(WARM_UP_MS * 1e6);
  while (process.hrtime.bigint() < warmUntil) sink = hashRounds(sink, CALIBRATION_BATCH);
  const tries = Math.max(3, Math.round(calibrateMs / CALIBRATION_TRY_MS));
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round((calibrateMs * 1e6) / tries));
    let rounds = 0;
    let now = start;
    while (now < deadline) {
      sink = hashRounds(sink, CALIBRATION_BATCH);
      rounds += CALIBRATION_BATCH;
      now = process.hrtime.bigint();
    }
    best = Math.max(best, rounds / (Number(now - start) / 1e3));
  }
  lastHash = sink;
  return best;
}

// keeps the hash results observable so no round is dead code
let lastHash = 0;

/**
 * Burns a fixed amount of CPU per record (`costUs`) by hashing. The cost is a fixed number of
 * hash rounds, calibrated once per thread, not a wall-clock deadline: under contention a record
 * takes longer but does the same work, so throughput scales only with real cores, which is what
 * a load test of thread counts needs to see.
 */
const createCpuHandler: HandlerFactory = (options): Handler => {
  const { costUs, calibrateMs, passThrough: emit } = parseHandlerOptions('cpu', cpuOptionsSchema, options);
  const rounds = Math.max(0, Math.round(costUs * calibrateRoundsPerUs(calibrateMs)));
  return {
    handle(record: HandlerRecord) {
      lastHash = hashRounds(lastHash ^ record.offset, rounds);
      return emit ? [passThrough(record)] : undefined;
    },
  };
};

export default createCpuHandler;
