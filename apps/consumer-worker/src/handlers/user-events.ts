import { threadId } from 'node:worker_threads';
import { z } from 'zod';
import { invalidRecord, type Handler, type HandlerFactory, type HandlerRecord } from './handler.js';
import { parseHandlerOptions } from './handler-options.js';

const USER_ACTIONS = ['view', 'click', 'add_to_cart', 'purchase', 'login', 'logout'] as const;
type UserAction = (typeof USER_ACTIONS)[number];

/** The fields of a user event this handler reads; other fields are ignored. */
const eventSchema = z.object({
  userId: z.string().min(1),
  action: z.enum(USER_ACTIONS),
  ts: z.number().int().nonnegative(),
});

export interface UserEventsOptions {
  /** Events a thread counts before it emits a count record. */
  emitEvery: number;
  /** Topic for count records; the output topic when empty. */
  countsTopic: string;
}

export const defaultUserEventsOptions = {
  emitEvery: 1_000,
  countsTopic: '',
} satisfies UserEventsOptions;

/** The user-events handler's options: what it parses, and what `--help` and the README list. */
export const userEventsOptionsSchema = z.object({
  emitEvery: z.coerce.number().int().positive().default(defaultUserEventsOptions.emitEvery).describe('Events a thread counts before it emits a count record (counts per action)'),
  countsTopic: z.string().default(defaultUserEventsOptions.countsTopic).describe('Topic for count records (empty: the output topic)'),
});

/** A count record's value: how many events of each action one thread saw since its last one. */
export interface UserActionCounts {
  kind: 'user-action-counts';
  /** Worker thread id: each thread emits its own series. */
  thread: number;
  /** Number of this thread's count records so far, from 1. */
  sequence: number;
  /** Events counted in this record (the sum of `counts`). */
  events: number;
  counts: Record<UserAction, number>;
  /** Event-time span of the counted events, epoch ms. */
  firstTs: number;
  lastTs: number;
}

function zeroCounts(): Record<UserAction, number> {
  return { view: 0, click: 0, add_to_cart: 0, purchase: 0, login: 0, logout: 0 };
}

/**
 * Per-action counts of user events. Each worker thread counts the events it handles and, every
 * `emitEvery` events, emits one record of the counts since its previous record (deltas, key
 * `user-action-counts/<thread>`), then starts again from zero. Semantics: summing the records of
 * all threads and consumers gives the totals, at least once: a retried or redelivered event is
 * counted again, and counts not yet emitted when a thread stops are lost (no final flush; the
 * pool has no per-thread shutdown hook). An event that is not a valid user event is
 * dead-lettered at once, without retries (`invalidRecord`).
 */
const createUserEventsHandler: HandlerFactory = (options): Handler => {
  const { emitEvery, countsTopic } = parseHandlerOptions('user-events', userEventsOptionsSchema, options);
  let counts = zeroCounts();
  let events = 0;
  let sequence = 0;
  let firstTs = 0;
  let lastTs = 0;
  return {
    handle(record: HandlerRecord) {
      const parsed = eventSchema.safeParse(record.value);
      if (!parsed.success) {
        throw invalidRecord(`not a user event: ${z.prettifyError(parsed.error).replace(/\s+/g, ' ')}`);
      }
      const event = parsed.data;
      if (events === 0) firstTs = event.ts;
      counts[event.action] += 1;
      events += 1;
      lastTs = event.ts;
      if (events < emitEvery) return undefined;

      sequence += 1;
      const value: UserActionCounts = { kind: 'user-action-counts', thread: threadId, sequence, events, counts, firstTs, lastTs };
      counts = zeroCounts();
      events = 0;
      return [{ key: `user-action-counts/${threadId}`, value, ...(countsTopic ? { topic: countsTopic } : {}) }];
    },
  };
};

export default createUserEventsHandler;
