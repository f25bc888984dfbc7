import { describe, expect, it } from 'vitest';
import { createUserEventsWorkload, USER_ACTION_WEIGHTS, USER_ACTIONS, USER_DEVICES, USER_SESSION_MS, userEventSchema } from './user-events.js';
import { defaultWorkloadOptions } from './workload.js';

const T0 = Date.UTC(2025, 0, 1);
const userKey = (user: number) => `user-${String(user).padStart(6, '0')}`;
const ctx = (seq: number) => ({ seq, key: userKey(seq % 50), timestampMs: T0 + seq * 10 });
const workload = (seed = 42) => createUserEventsWorkload({ ...defaultWorkloadOptions, seed });

describe('user-events workload', () => {
  it('makes events that pass their schema, with the key as user id and the timestamp as ts', () => {
    const events = workload();
    const bad = Array.from({ length: 10_000 }, (_, seq) => ({ seq, event: events.generate(ctx(seq)) })).filter(
      ({ seq, event }) => !userEventSchema.safeParse(event).success || event.userId !== ctx(seq).key || event.ts !== ctx(seq).timestampMs,
    );
    expect(bad).toEqual([]);
  });

  it('is deterministic per seed and independent of call order', () => {
    const forward = workload(7);
    const backward = workload(7);
    const a = Array.from({ length: 100 }, (_, seq) => forward.generate(ctx(seq)));
    const b = Array.from({ length: 100 }, (_, i) => backward.generate(ctx(99 - i))).reverse();
    expect(b).toEqual(a);
    const other = workload(8);
    expect(Array.from({ length: 100 }, (_, seq) => other.generate(ctx(seq)))).not.toEqual(a);
  });

  describe('action mix over 100,000 events', () => {
    const events = workload();
    const counts = new Map<string, number>();
    for (let seq = 0; seq < 100_000; seq += 1) {
      const { action } = events.generate(ctx(seq));
      counts.set(action, (counts.get(action) ?? 0) + 1);
    }
    it.each(USER_ACTIONS.map((action) => ({ action, share: USER_ACTION_WEIGHTS[action] })))('$action ≈ $share', ({ action, share }) => {
      expect(Math.abs((counts.get(action) ?? 0) / 100_000 - share)).toBeLessThan(0.005);
    });
  });

  it('keeps a device per user and uses every device across users', () => {
    const events = workload();
    const devices = new Set<string>();
    for (let user = 0; user < 200; user += 1) {
      const perUser = new Set(Array.from({ length: 5 }, (_, i) => events.generate({ seq: user * 10 + i, key: userKey(user), timestampMs: T0 + i * 3_600_000 }).device));
      expect(perUser.size).toBe(1);
      devices.add([...perUser][0] as string);
    }
    expect([...devices].sort()).toEqual([...USER_DEVICES].sort());
  });

  it('keeps session id and IP for up to a session, then moves on', () => {
    const events = workload();
    const minute = 60_000;
    const timeline = Array.from({ length: 120 }, (_, i) => events.generate({ seq: i, key: userKey(3), timestampMs: T0 + i * minute }));
    const sessions = new Set(timeline.map((event) => event.sessionId));
    // two hours at 30 min per session: 4 sessions, or 5 when the per-user offset splits one
    expect(sessions.size).toBeGreaterThanOrEqual(120 * minute / USER_SESSION_MS);
    expect(sessions.size).toBeLessThanOrEqual(120 * minute / USER_SESSION_MS + 1);
    for (let i = 1; i < timeline.length; i += 1) {
      const [before, after] = [timeline[i - 1], timeline[i]];
      if (before?.sessionId === after?.sessionId) expect(after?.ip).toBe(before?.ip);
    }
  });

  it('uses public IPv4 addresses only', () => {
    const events = workload();
    const privateFirstOctets = new Set([0, 10, 100, 127, 169, 172, 192]);
    const ips = Array.from({ length: 5_000 }, (_, seq) => events.generate({ seq, key: userKey(seq), timestampMs: T0 }).ip);
    const firstOctet = (ip: string) => Number(ip.split('.')[0]);
    expect(ips.filter((ip) => !(firstOctet(ip) >= 1 && firstOctet(ip) <= 223 && !privateFirstOctets.has(firstOctet(ip))))).toEqual([]);
  });
});
