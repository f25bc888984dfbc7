import { describe, expect, it } from 'vitest';
import { duplicateBound, faultDisruption, membershipDisruptions, perReplicaBound, type ConsumerBoundSettings } from './duplicate-bound.ts';

const settings: ConsumerBoundSettings = { maxUncommittedRecords: 400, commitIntervalMs: 250, threads: 2, handlerWaitMs: 2 };

describe('perReplicaBound', () => {
  it('is the uncommitted bound plus one, plus two commit intervals at the replica\'s highest throughput', () => {
    // 2 threads × 1000 / 2 ms = 1000 records/s; 2 × 250 ms of it = 500
    expect(perReplicaBound(settings)).toBe(400 + 1 + 500);
  });

  it('rounds the throughput term up', () => {
    expect(perReplicaBound({ ...settings, threads: 1, handlerWaitMs: 3, commitIntervalMs: 100 })).toBe(401 + Math.ceil((1000 / 3) * 0.2));
  });
});

describe('faultDisruption', () => {
  const cases = [
    { kind: 'broker-kill', members: 3, replicas: 3 },
    { kind: 'monitor-kill', members: 2, replicas: 2 },
    { kind: 'monitor-kill', members: 0, replicas: 1 },
    { kind: 'consumer-kill', members: 5, replicas: 1 },
    { kind: 'thread-crash', members: 5, replicas: 1 },
    { kind: 'rebalance-storm', members: 1, replicas: 0 },
    { kind: 'slow-handler', members: 1, replicas: 0 },
  ] as const;
  it.each(cases)('$kind with $members members touches $replicas', ({ kind, members, replicas }) => {
    expect(faultDisruption(kind, members)).toEqual({ cause: kind, replicas });
  });
});

describe('membershipDisruptions', () => {
  it('counts |change| × the larger count for each change, skipping unknown samples', () => {
    expect(membershipDisruptions([1, 1, undefined, 8, 8, 2, 1]).map((d) => d.replicas)).toEqual([7 * 8, 6 * 8, 1 * 2]);
  });

  it('is empty for a steady group or no samples', () => {
    expect(membershipDisruptions([2, 2, undefined, 2])).toEqual([]);
    expect(membershipDisruptions([])).toEqual([]);
  });
});

describe('duplicateBound', () => {
  it('multiplies the replicas touched by the per-replica bound', () => {
    const bound = duplicateBound(settings, [faultDisruption('consumer-kill', 2), ...membershipDisruptions([2, 1, 2])]);
    expect(bound).toEqual({ perReplica: 901, replicasTouched: 1 + 2 + 2, bound: 901 * 5 });
  });

  it('is 0 when nothing was disrupted', () => {
    expect(duplicateBound(settings, []).bound).toBe(0);
  });
});
