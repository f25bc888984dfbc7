import { describe, expect, it } from 'vitest';
import { defaultScalingPolicyOptions, type ScalingPolicyOptions } from '../../src/policy/index.js';
import type { SimulatedAutoscaler } from './autoscaler.js';
import { policyAutoscaler } from './autoscaler.js';
import { SimulatedCollector } from './collector.js';
import { SimulatedFleet } from './fleet.js';
import { defaultKedaHpaOptions, kedaHpaAutoscaler } from './keda-hpa.js';
import { summarizeRun } from './outcome.js';
import { runSimulation, type SimulationRun } from './run-simulation.js';
import { loadStepScenario, neededReplicas, type SimulationScenario } from './scenario.js';

const scenario: SimulationScenario = { ...loadStepScenario, durationMs: 600_000, tickMs: 500 };
const rateOptions: ScalingPolicyOptions = { ...defaultScalingPolicyOptions, mode: 'rate', maxReplicas: 32, minThroughputPerReplica: 2_000 };

const makers: Array<{ name: string; make: () => SimulatedAutoscaler }> = [
  { name: 'rate', make: () => policyAutoscaler('rate', rateOptions, scenario.collectIntervalMs) },
  { name: 'lag', make: () => policyAutoscaler('lag', { ...rateOptions, mode: 'lag' }, scenario.collectIntervalMs) },
  { name: 'keda', make: () => kedaHpaAutoscaler('keda', { ...defaultKedaHpaOptions, lagThreshold: 10_000, maxReplicas: 32 }) },
];

describe('runSimulation', () => {
  it.each(makers)('$name: two runs are equal, tick by tick', ({ make }) => {
    expect(runSimulation(scenario, make())).toEqual(runSimulation(scenario, make()));
  });

  it.each(makers)('$name: produced = processed + final backlog, and produced = the load profile', ({ make }) => {
    const run = runSimulation(scenario, make());
    // 1k/s for 60 s, 20k/s for 120 s, 1k/s for the remaining 420 s
    expect(run.produced).toBeCloseTo(60_000 + 2_400_000 + 420_000, 3);
    expect(run.processed + run.finalBacklog).toBeCloseTo(run.produced, 3);
    expect(run.trace.every((point) => point.backlog >= -1e-6)).toBe(true);
  });

  it('rate mode never scales down while collection fails', () => {
    const withOutage = { ...scenario, collectionOutages: [{ fromMs: 150_000, toMs: 600_000 }] };
    const run = runSimulation(withOutage, policyAutoscaler('rate', rateOptions, scenario.collectIntervalMs));
    expect(run.events.filter((event) => event.atMs >= 150_000)).toEqual([]);
    expect(run.trace.at(-1)?.replicas).toBeGreaterThan(1);
  });

  it('rate mode never exceeds the partition count', () => {
    const run = runSimulation(scenario, policyAutoscaler('rate', { ...rateOptions, maxReplicas: 100, minThroughputPerReplica: 100 }, scenario.collectIntervalMs));
    expect(Math.max(...run.trace.map((point) => point.replicas))).toBe(32);
  });
});

describe('SimulatedFleet', () => {
  const config = { partitions: 4, capacityPerReplica: 100, startupDelayMs: 2_000, rebalancePauseMs: 1_000, commitIntervalMs: 1_000 };

  it('a new replica joins after its startup delay and stops the group for the rebalance', () => {
    const fleet = new SimulatedFleet(config, 1);
    fleet.scaleTo(2);
    expect({ replicas: fleet.replicas, members: fleet.members, rebalancing: fleet.rebalancing }).toEqual({ replicas: 2, members: 1, rebalancing: false });
    fleet.advance(2_000, 0);
    expect({ members: fleet.members, rebalancing: fleet.rebalancing, consuming: fleet.consumingMembers }).toEqual({ members: 2, rebalancing: true, consuming: 0 });
    fleet.advance(1_000, 0);
    expect({ rebalancing: fleet.rebalancing, consuming: fleet.consumingMembers }).toEqual({ rebalancing: false, consuming: 2 });
  });

  it('removing a starting pod does not rebalance; removing a member does', () => {
    const fleet = new SimulatedFleet(config, 2);
    fleet.scaleTo(3);
    fleet.scaleTo(2);
    expect(fleet.rebalancing).toBe(false);
    fleet.scaleTo(1);
    expect(fleet.rebalancing).toBe(true);
  });

  it('a replica consumes at most its capacity, and nothing while the group rebalances', () => {
    const fleet = new SimulatedFleet(config, 1);
    fleet.advance(1_000, 400);
    expect(fleet.processed).toBeCloseTo(100, 9);
    expect(fleet.backlog).toBeCloseTo(300, 9);
    fleet.scaleTo(0);
    fleet.advance(1_000, 0);
    expect(fleet.processed).toBeCloseTo(100, 9);
  });
});

describe('SimulatedCollector', () => {
  it('reads integer lag from committed offsets and rates over its window', () => {
    const fleet = new SimulatedFleet({ partitions: 4, capacityPerReplica: 1_000, startupDelayMs: 0, rebalancePauseMs: 0, commitIntervalMs: 1_000 }, 1);
    const collector = new SimulatedCollector({ rateWindowMs: 10_000, collectionOutages: [] });
    collector.sample(fleet, 0);
    for (let second = 1; second <= 10; second += 1) fleet.advance(1_000, second <= 5 ? 400 : 2_000);
    const input = collector.sample(fleet, 10_000);
    // 5 s at 400/s and 5 s at 2,000/s: 1,200/s produced; the replica caught up then ran at 1,000/s
    expect(input.productionRate).toBeCloseTo(1_200, 6);
    expect(input.consumptionRate).toBeCloseTo(700, 6);
    expect(input.totalLag).toBe(5_000);
    expect(input.partitionsWithLag).toBe(4);
  });
});

describe('neededReplicas', () => {
  it.each([
    { partitions: 32, capacity: 2_500, rate: 20_000, needed: 8 },
    { partitions: 32, capacity: 2_500, rate: 20_001, needed: 11 },
    { partitions: 32, capacity: 2_500, rate: 1_000, needed: 1 },
    { partitions: 6, capacity: 1_000, rate: 5_000, needed: 6 },
    { partitions: 4, capacity: 100, rate: 10_000, needed: 4 },
  ])('$rate/s over $partitions partitions at $capacity/s per replica → $needed', ({ partitions, capacity, rate, needed }) => {
    expect(neededReplicas({ partitions, capacityPerReplica: capacity }, rate)).toBe(needed);
  });
});

describe('summarizeRun', () => {
  it('counts reversals and those inside the window', () => {
    const run: SimulationRun = {
      autoscaler: 'test',
      trace: [{ atMs: 60_000, productionRate: 20_000, replicas: 1, consumingMembers: 1, rebalancing: false, backlog: 0 }],
      events: [
        { atMs: 60_000, from: 1, to: 8, reason: 'up' },
        { atMs: 70_000, from: 8, to: 10, reason: 'up' },
        { atMs: 400_000, from: 10, to: 4, reason: 'down' },
        { atMs: 420_000, from: 4, to: 9, reason: 'up' },
      ],
      produced: 0,
      processed: 0,
      finalBacklog: 0,
    };
    const outcome = summarizeRun(run, scenario, 300_000);
    expect({ events: outcome.scaleEvents, reversals: outcome.reversals, inWindow: outcome.reversalsInWindow }).toEqual({ events: 4, reversals: 2, inWindow: 1 });
  });
});
