import { describe, expect, it } from 'vitest';
import { fetchReadiness, foldFetchEvent, type FetchEvent, type FetchHealthState } from './fetch-health.js';

const fold = (events: FetchEvent[]): FetchHealthState => events.reduce(foldFetchEvent, {});
const options = { stalledAfterMs: 10_000 };

describe('fetchReadiness', () => {
  it.each([
    { name: 'before any fetch', events: [], nowMs: 0, ready: true },
    { name: 'a fetch in flight for a moment', events: [{ type: 'fetch-start', atMs: 0 }], nowMs: 300, ready: true },
    { name: 'fetching on and on', events: [{ type: 'fetch-start', atMs: 0 }, { type: 'fetch', atMs: 250 }, { type: 'fetch-start', atMs: 260 }], nowMs: 9_000, ready: true },
    // backpressure: no fetch goes out while the batches are being processed, which is no fault
    { name: 'no fetch outstanding for a long time', events: [{ type: 'fetch-start', atMs: 0 }, { type: 'fetch', atMs: 250 }], nowMs: 600_000, ready: true },
    { name: 'a fetch stuck past the bound', events: [{ type: 'fetch-start', atMs: 0 }], nowMs: 10_000, ready: 'cannot fetch: a fetch has not completed for 10.0 s' },
    { name: 'a crash of the consumer loop', events: [{ type: 'fetch', atMs: 0 }, { type: 'crash', atMs: 1_000, reason: 'Connection error: connect ECONNREFUSED' }], nowMs: 3_000, ready: 'cannot fetch: Connection error: connect ECONNREFUSED (since 2.0 s ago; retrying)' },
    { name: 'a restart that fetches again', events: [{ type: 'crash', atMs: 1_000, reason: 'x' }, { type: 'fetch-start', atMs: 5_000 }, { type: 'fetch', atMs: 5_250 }], nowMs: 6_000, ready: true },
    { name: 'a restart still trying', events: [{ type: 'crash', atMs: 1_000, reason: 'x' }, { type: 'fetch-start', atMs: 5_000 }], nowMs: 5_100, ready: 'cannot fetch: x (since 4.1 s ago; retrying)' },
  ] as Array<{ name: string; events: FetchEvent[]; nowMs: number; ready: true | string }>)('$name → $ready', ({ events, nowMs, ready }) => {
    expect(fetchReadiness(fold(events), nowMs, options)).toBe(ready);
  });
});
