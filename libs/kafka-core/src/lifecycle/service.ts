import { sharedPromise } from './shared-promise.js';

/** The lifecycle contract of every long-running part: construct (no I/O), start, stop. */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  /** Drains and releases everything; safe to call many times, before or after start. */
  stop(): Promise<void>;
}

export type ServiceState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface ServiceHooks {
  name: string;
  onStart(): Promise<void>;
  /** Called once; also after a failed start, so partial resources are released. */
  onStop(): Promise<void>;
}

/**
 * Builds a Service from two hooks with the contract enforced once, here: one start, one shared
 * stop, and a stop that waits for an in-flight start before tearing down.
 */
export function defineService(hooks: ServiceHooks): Service & { readonly state: ServiceState } {
  let state: ServiceState = 'new';
  let starting: Promise<void> | undefined;

  const stop = sharedPromise(async () => {
    if (starting !== undefined) await starting.catch(() => undefined);
    state = 'stopping';
    try {
      await hooks.onStop();
    } finally {
      state = 'stopped';
    }
  });

  return {
    name: hooks.name,
    get state() {
      return state;
    },
    start() {
      if (starting !== undefined) return starting;
      state = 'starting';
      starting = hooks.onStart().then(
        () => {
          if (state === 'starting') state = 'running';
        },
        (err: unknown) => {
          state = 'failed';
          throw err;
        },
      );
      return starting;
    },
    stop,
  };
}
