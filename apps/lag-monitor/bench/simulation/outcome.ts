import type { SimulationRun } from './run-simulation.js';
import { neededReplicas, type SimulationScenario } from './scenario.js';

/** What one run shows about its autoscaler around the load step. Times in ms, counts in records. */
export interface SimulationOutcome {
  autoscaler: string;
  neededReplicas: number;
  /** From the step's start until at least `neededReplicas` members consume; null when never. */
  timeToNeededMs: number | null;
  peakBacklog: number;
  /** From the step's start to the peak. */
  peakAfterMs: number;
  /** From the peak until the backlog is down to one second of production; null when never. */
  drainAfterPeakMs: number | null;
  scaleEvents: number;
  /** Consecutive scale events in opposite directions. */
  reversals: number;
  /** Reversals that came less than the stabilisation window after the event they reverse. */
  reversalsInWindow: number;
  peakReplicas: number;
  /** Cost: replicas (spec) integrated over the run. */
  replicaMinutes: number;
  produced: number;
  processed: number;
  finalBacklog: number;
}

/** The highest-rate phase of the load: the step. */
export function stepOf(scenario: Pick<SimulationScenario, 'load' | 'durationMs'>): { fromMs: number; toMs: number; recordsPerSec: number } {
  let best = { fromMs: 0, toMs: scenario.durationMs, recordsPerSec: 0 };
  scenario.load.forEach((phase, i) => {
    if (phase.recordsPerSec > best.recordsPerSec) {
      best = { fromMs: phase.fromMs, toMs: scenario.load[i + 1]?.fromMs ?? scenario.durationMs, recordsPerSec: phase.recordsPerSec };
    }
  });
  return best;
}

export function summarizeRun(run: SimulationRun, scenario: SimulationScenario, windowMs: number): SimulationOutcome {
  const step = stepOf(scenario);
  const needed = neededReplicas(scenario, step.recordsPerSec);
  const after = run.trace.filter((point) => point.atMs >= step.fromMs);
  const reached = after.find((point) => point.consumingMembers >= needed);
  const peak = after.reduce((best, point) => (point.backlog > best.backlog ? point : best), after[0] ?? { atMs: step.fromMs, backlog: 0 });
  const drained = after.find((point) => point.atMs > peak.atMs && point.backlog <= point.productionRate);

  let reversals = 0;
  let reversalsInWindow = 0;
  run.events.forEach((event, i) => {
    const previous = run.events[i - 1];
    if (previous === undefined || Math.sign(event.to - event.from) === Math.sign(previous.to - previous.from)) return;
    reversals += 1;
    if (event.atMs - previous.atMs < windowMs) reversalsInWindow += 1;
  });

  const tickMs = scenario.tickMs;
  return {
    autoscaler: run.autoscaler,
    neededReplicas: needed,
    timeToNeededMs: reached === undefined ? null : reached.atMs - step.fromMs,
    peakBacklog: peak.backlog,
    peakAfterMs: peak.atMs - step.fromMs,
    drainAfterPeakMs: drained === undefined ? null : drained.atMs - peak.atMs,
    scaleEvents: run.events.length,
    reversals,
    reversalsInWindow,
    peakReplicas: run.trace.reduce((most, point) => Math.max(most, point.replicas), 0),
    replicaMinutes: run.trace.reduce((sum, point) => sum + point.replicas * tickMs, 0) / 60_000,
    produced: run.produced,
    processed: run.processed,
    finalBacklog: run.finalBacklog,
  };
}
