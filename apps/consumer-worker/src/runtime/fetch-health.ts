/**
 * Whether the consumer can fetch, from kafkajs's own events: a replica that cannot reach its
 * broker is not ready, so a load balancer, a rollout or lag-monitor's operator sees it. Pure: the
 * events fold into a state, and the verdict is a function of that state and the time.
 */
export interface FetchHealthState {
  /** When the last fetch completed (records or not: an idle fetch returns after its max wait). */
  lastFetchAtMs?: number;
  /** When the fetch now outstanding started, if one is. */
  fetchStartedAtMs?: number;
  /** The last crash of the consumer's loop kafkajs reported, and why. */
  crash?: { atMs: number; reason: string };
}

export interface FetchHealthOptions {
  /** A fetch waits at most its max wait on the broker (250 ms): one outstanding this long is stuck. */
  stalledAfterMs: number;
}

export const defaultFetchHealthOptions = { stalledAfterMs: 10_000 } satisfies FetchHealthOptions;

export type FetchEvent = { type: 'fetch-start'; atMs: number } | { type: 'fetch'; atMs: number } | { type: 'crash'; atMs: number; reason: string };

export function foldFetchEvent(state: FetchHealthState, event: FetchEvent): FetchHealthState {
  switch (event.type) {
    case 'fetch-start':
      return { ...state, fetchStartedAtMs: event.atMs };
    case 'fetch': {
      // A completed fetch clears what went before: the consumer fetches again.
      const { crash: _crash, fetchStartedAtMs: _started, ...rest } = state;
      return { ...rest, lastFetchAtMs: event.atMs };
    }
    case 'crash': {
      const { fetchStartedAtMs: _started, ...rest } = state;
      return { ...rest, crash: { atMs: event.atMs, reason: event.reason } };
    }
  }
}

/** true, or why the consumer cannot fetch now. */
export function fetchReadiness(state: FetchHealthState, nowMs: number, options: FetchHealthOptions = defaultFetchHealthOptions): true | string {
  if (state.crash !== undefined) return `cannot fetch: ${state.crash.reason} (since ${seconds(nowMs - state.crash.atMs)} s ago; retrying)`;
  if (state.fetchStartedAtMs !== undefined && nowMs - state.fetchStartedAtMs >= options.stalledAfterMs) {
    return `cannot fetch: a fetch has not completed for ${seconds(nowMs - state.fetchStartedAtMs)} s`;
  }
  return true;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1_000).toFixed(1);
}
