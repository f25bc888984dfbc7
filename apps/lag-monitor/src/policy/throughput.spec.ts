import { describe, expect, it } from 'vitest';
import { NOW_MS, policyInput, testOptions } from '../../test-support/policy-fixtures.js';
import type { PolicyInput } from './policy-input.js';
import { createThroughputState, effectiveThroughput, isBacklogged, observeThroughput, type ThroughputState } from './throughput.js';

// 4 members, 2,000/s each, 20,000/s produced, lag 200,000 (10 s of production): backlogged
const busy: Partial<PolicyInput> = { members: 4, consumptionRate: 8_000, productionRate: 20_000, totalLag: 200_000, partitionsWithLag: 32 };

describe('isBacklogged', () => {
  const rows: Array<{ name: string; input: Partial<PolicyInput>; backlogged: boolean }> = [
    { name: 'lag of 10 s of production, every consumer has a lagging partition', input: busy, backlogged: true },
    { name: 'lag exactly at 5 s of production', input: { ...busy, totalLag: 100_000 }, backlogged: true },
    { name: 'caught up: lag is only the records between two commits', input: { ...busy, totalLag: 20_000, consumptionRate: 20_000 }, backlogged: false },
    { name: 'no lag', input: { ...busy, totalLag: 0 }, backlogged: false },
    { name: 'lag with no production', input: { ...busy, totalLag: 10, productionRate: 0 }, backlogged: true },
    { name: 'rebalancing', input: { ...busy, rebalancing: true }, backlogged: false },
    { name: 'collection failed', input: { ...busy, collectionOk: false }, backlogged: false },
    { name: 'no members', input: { ...busy, members: 0 }, backlogged: false },
    { name: 'nothing consumed (a stall teaches nothing)', input: { ...busy, consumptionRate: 0 }, backlogged: false },
    { name: 'fewer lagging partitions than consumers: some are idle', input: { ...busy, partitionsWithLag: 3 }, backlogged: false },
    { name: 'more members than partitions: consumers are the partitions', input: { ...busy, members: 40, partitionsWithLag: 32 }, backlogged: true },
  ];
  it.each(rows)('$name → $backlogged', ({ input, backlogged }) => {
    expect(isBacklogged(policyInput(input), testOptions)).toBe(backlogged);
  });
});

describe('observeThroughput', () => {
  /** Feeds one input every 5 s from NOW_MS; returns the state after each. */
  function feed(inputs: Array<Partial<PolicyInput>>, from: ThroughputState = createThroughputState()): ThroughputState[] {
    const states: ThroughputState[] = [];
    let state = from;
    inputs.forEach((input, i) => {
      state = observeThroughput(state, policyInput({ ...input, nowMs: NOW_MS + i * 5_000 }), testOptions);
      states.push(state);
    });
    return states;
  }

  it('learns only after the group has been backlogged for the settle time', () => {
    const states = feed(Array.from({ length: 6 }, () => busy));
    // settle 20 s: samples at 0, 5, 10, 15 s wait; the one at 20 s teaches
    expect(states.map((s) => s.perReplica)).toEqual([null, null, null, null, 2_000, 2_000]);
    expect(states[5]?.samples).toBe(2);
  });

  it('restarts the settle time when the members change or the backlog breaks', () => {
    const states = feed([busy, busy, busy, { ...busy, members: 5 }, busy, { ...busy, totalLag: 0 }, busy, busy, busy, busy, busy]);
    expect(states.map((s) => s.perReplica)).toEqual([null, null, null, null, null, null, null, null, null, null, 2_000]);
  });

  it('never learns from caught-up or rebalancing samples, however long they last', () => {
    const caughtUp = { ...busy, totalLag: 20_000, consumptionRate: 20_000 };
    const states = feed([...Array.from({ length: 10 }, () => caughtUp), ...Array.from({ length: 10 }, () => ({ ...busy, rebalancing: true }))]);
    expect(states.at(-1)).toEqual(createThroughputState());
  });

  it('divides by consumers, not by members beyond the partition count', () => {
    const states = feed(Array.from({ length: 5 }, () => ({ ...busy, members: 40, consumptionRate: 64_000 })));
    expect(states.at(-1)?.perReplica).toBe(2_000);
  });

  it('moves halfway to a new sample after one half-life, and nearly all the way after a long gap', () => {
    const learned: ThroughputState = { ...createThroughputState(), perReplica: 2_000, learnedAtMs: NOW_MS - 60_000, samples: 1 };
    const settled: ThroughputState = { ...learned, backlogSinceMs: NOW_MS - 30_000, backlogMembers: 4 };
    const sample = { ...busy, consumptionRate: 12_000, nowMs: NOW_MS }; // 3,000/s per member
    expect(observeThroughput(settled, policyInput(sample), testOptions).perReplica).toBe(2_500);
    const stale = { ...settled, learnedAtMs: NOW_MS - 3_600_000 };
    expect(observeThroughput(stale, policyInput(sample), testOptions).perReplica).toBeCloseTo(3_000, 6);
  });

  it.each([
    { name: 'nothing learned: the floor', perReplica: null, floor: 1_000, effective: 1_000 },
    { name: 'learned above the floor', perReplica: 2_500, floor: 1_000, effective: 2_500 },
    { name: 'learned below the floor', perReplica: 400, floor: 1_000, effective: 1_000 },
  ])('effective throughput, $name', ({ perReplica, floor, effective }) => {
    expect(effectiveThroughput({ ...createThroughputState(), perReplica }, { minThroughputPerReplica: floor })).toBe(effective);
  });
});
