import { silentLogger } from '@lagscale/kafka-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LeaderElectionOptions } from './election-options.js';
import { createLeaderElector, type LeaderElector } from './leader-elector.js';
import type { LeaseApi, LeaseClaim, LeaseRecord, LeaseWriteResult } from './lease.js';

/**
 * One Lease held in memory with the API server's optimistic concurrency: a write names the
 * resourceVersion it read and fails with a conflict if another write came first. The loop's
 * logic runs against it; the real API server is in test/k8s/leader-election.test.ts.
 */
function memoryLease(): { api: (name: string) => LeaseApi; record: () => LeaseRecord | undefined; failing: Set<string> } {
  let record: LeaseRecord | undefined;
  let version = 0;
  const failing = new Set<string>();
  const store = (claim: LeaseClaim): LeaseWriteResult => {
    version += 1;
    record = { ...claim, renewTimeMs: claim.renewTimeMs, resourceVersion: String(version) };
    return { kind: 'written', record };
  };
  const api = (name: string): LeaseApi => ({
    target: 'test/lag-monitor',
    read: async () => (failing.has(name) ? { kind: 'failed', message: 'connect ECONNREFUSED' } : record === undefined ? { kind: 'missing' } : { kind: 'found', record }),
    create: async (claim) => (record === undefined ? store(claim) : { kind: 'conflict', message: 'already exists' }),
    update: async (claim, resourceVersion) => {
      if (failing.has(name)) return { kind: 'failed', message: 'connect ECONNREFUSED' };
      return record?.resourceVersion === resourceVersion ? store(claim) : { kind: 'conflict', message: 'the object has been modified' };
    },
  });
  return { api, record: () => record, failing };
}

const timing = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 } satisfies Partial<LeaderElectionOptions>;
const clock = { nowMs: () => Date.now(), wallMs: () => Date.now() };

describe('leader elector loop', () => {
  let lease: ReturnType<typeof memoryLease>;
  const electors: LeaderElector[] = [];

  function elector(identity: string, onChange?: (leading: boolean) => void): LeaderElector {
    const created = createLeaderElector({ identity, ...timing, api: lease.api(identity), logger: silentLogger(), clock, ...(onChange ? { onChange } : {}) });
    electors.push(created);
    created.start();
    return created;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    lease = memoryLease();
  });

  afterEach(async () => {
    lease.failing.clear();
    await Promise.all(electors.splice(0).map((e) => e.stop()));
    vi.useRealTimers();
  });

  it('elects exactly one of two candidates, and keeps it while it renews', async () => {
    const a = elector('a');
    const b = elector('b');
    await vi.advanceTimersByTimeAsync(10);
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    const leader = a.isLeader() ? a : b;
    for (let i = 0; i < 20; i += 1) {
      await vi.advanceTimersByTimeAsync(500);
      expect(a.isLeader() !== b.isLeader()).toBe(true);
    }
    expect(leader.isLeader()).toBe(true);
    expect(lease.record()?.holderIdentity).toBe(leader.identity);
    expect(lease.record()?.leaseTransitions).toBe(0);
  });

  it('hands over on stop(): the other takes the released Lease at its next look, not a lease duration later', async () => {
    const a = elector('a');
    await vi.advanceTimersByTimeAsync(10);
    const b = elector('b');
    await vi.advanceTimersByTimeAsync(10);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(lease.record()?.holderIdentity).toBe('');
    await vi.advanceTimersByTimeAsync(timing.retryPeriodMs + 10);
    expect(b.isLeader()).toBe(true);
    expect(lease.record()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('stops leading once it cannot renew for the renew deadline; the other takes over only after the lease duration', async () => {
    const changes: boolean[] = [];
    const a = elector('a', (leading) => changes.push(leading));
    await vi.advanceTimersByTimeAsync(10);
    const b = elector('b');
    await vi.advanceTimersByTimeAsync(10);
    lease.failing.add('a');
    const cutAtMs = Date.now();
    let aStoppedAtMs: number | undefined;
    let bLedAtMs: number | undefined;
    while (bLedAtMs === undefined && Date.now() - cutAtMs < 10_000) {
      await vi.advanceTimersByTimeAsync(50);
      if (aStoppedAtMs === undefined && !a.isLeader()) aStoppedAtMs = Date.now();
      if (b.isLeader()) bLedAtMs = Date.now();
    }
    expect(aStoppedAtMs).toBeDefined();
    expect(bLedAtMs).toBeDefined();
    // a's last renewal was at most one retry period before the cut.
    expect(aStoppedAtMs! - cutAtMs).toBeLessThanOrEqual(timing.renewDeadlineMs);
    expect(bLedAtMs! - aStoppedAtMs!).toBeGreaterThanOrEqual(timing.leaseDurationMs - timing.renewDeadlineMs - timing.retryPeriodMs);
    expect(changes).toEqual([true, false]);
    expect(a.status()).toMatchObject({ leading: false, lastError: 'connect ECONNREFUSED' });
  });
});
