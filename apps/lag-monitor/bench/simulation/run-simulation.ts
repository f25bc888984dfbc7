import type { SimulatedAutoscaler } from './autoscaler.js';
import { SimulatedCollector } from './collector.js';
import { SimulatedFleet } from './fleet.js';
import { productionRateAt, type SimulationScenario } from './scenario.js';

/** The fleet at the end of one tick. */
export interface TracePoint {
  atMs: number;
  productionRate: number;
  /** spec.replicas: running and starting pods. */
  replicas: number;
  consumingMembers: number;
  rebalancing: boolean;
  /** Produced and not yet processed. */
  backlog: number;
}

export interface ScaleEvent {
  atMs: number;
  from: number;
  to: number;
  reason: string;
  detail?: string | undefined;
}

export interface SimulationRun {
  autoscaler: string;
  trace: TracePoint[];
  events: ScaleEvent[];
  produced: number;
  processed: number;
  finalBacklog: number;
}

/**
 * Runs one autoscaler against the scenario. Deterministic: the same scenario and autoscaler give
 * the same run, tick by tick. Each tick produces and consumes, then the collector samples on its
 * interval and the autoscaler is asked on its own (a multiple of the collector's).
 */
export function runSimulation(scenario: SimulationScenario, autoscaler: SimulatedAutoscaler): SimulationRun {
  const fleet = new SimulatedFleet(scenario, scenario.initialReplicas);
  const collector = new SimulatedCollector(scenario);
  const trace: TracePoint[] = [];
  const events: ScaleEvent[] = [];
  for (let atMs = scenario.tickMs; atMs <= scenario.durationMs; atMs += scenario.tickMs) {
    fleet.advance(scenario.tickMs, productionRateAt(scenario.load, atMs - scenario.tickMs));
    if (atMs % scenario.collectIntervalMs === 0) {
      const input = collector.sample(fleet, atMs);
      if (atMs % autoscaler.intervalMs === 0) {
        const { desired, reason, detail } = autoscaler.next(input);
        if (desired !== fleet.replicas) {
          events.push({ atMs, from: fleet.replicas, to: desired, reason, detail });
          fleet.scaleTo(desired);
        }
      }
    }
    trace.push({
      atMs,
      productionRate: productionRateAt(scenario.load, atMs),
      replicas: fleet.replicas,
      consumingMembers: fleet.consumingMembers,
      rebalancing: fleet.rebalancing,
      backlog: fleet.backlog,
    });
  }
  return { autoscaler: autoscaler.name, trace, events, produced: fleet.produced, processed: fleet.processed, finalBacklog: fleet.backlog };
}
