import { AppError } from '@lagscale/kafka-core/thread';
import { KEYED_STATE_MODES, type KeyedRoute, type KeyedStateMode } from './keyed-routing.js';

export interface WorkerPoolOptions {
  /** Worker threads, kept constant (piscina min = max). */
  threads: number;
  /** Built-in handler name (`noop`, `cpu`, …), a path, or a module specifier. */
  handler: string;
  /** Passed to the handler factory in each thread. */
  handlerOptions: Record<string, string>;
  /** Chunks that may wait for a thread; `run()` rejects beyond (0: no queue). */
  maxQueue: number;
  /** How long a thread above the minimum may idle before it stops, milliseconds. */
  idleTimeoutMs: number;
  /** Route every key to one thread (`on`), any chunk to any thread (`off`), or as the handler declares (`auto`). */
  keyedState: KeyedStateMode;
  /** With keyed state, what picks a record's thread: its key, or its partition (partition ordering). */
  keyedRoute: KeyedRoute;
  /** Told about a thread that failed while it had no task (piscina's `error` event). */
  onThreadError?: (error: unknown) => void;
}

export const defaultWorkerPoolOptions = {
  threads: 2,
  handler: 'noop',
  handlerOptions: {},
  maxQueue: 1_024,
  idleTimeoutMs: 60_000,
  keyedState: 'auto',
  keyedRoute: 'key',
} satisfies Omit<WorkerPoolOptions, 'onThreadError'>;

/** Checks the options together; every problem is named, with its option and value. */
export function validateWorkerPoolOptions(options: WorkerPoolOptions): void {
  const problems: string[] = [];
  const integer = (name: keyof WorkerPoolOptions, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) problems.push(`pool option ${name} must be an integer ≥ ${min} (got ${String(value)})`);
  };
  integer('threads', options.threads, 1);
  integer('maxQueue', options.maxQueue, 0);
  integer('idleTimeoutMs', options.idleTimeoutMs, 0);
  if (!KEYED_STATE_MODES.includes(options.keyedState)) problems.push(`pool option keyedState must be one of ${KEYED_STATE_MODES.join(', ')} (got ${String(options.keyedState)})`);
  if (options.handler.trim() === '') problems.push('pool option handler must name a handler (got "")');
  if (problems.length > 0) throw new AppError('CONFIG_INVALID', problems.join('; '), { retriable: false });
}
