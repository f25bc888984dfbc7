// burst's figures from lag-monitor's samples: pure, so the rules are tested on tables.
import type { MonitorSample } from './monitor-watch.ts';

export interface BurstFigures {
  /** Replicas the spike needs: its records/s over one replica's throughput, within the caps. */
  neededReplicas: number;
  /** Most replicas (group members) seen. */
  peakReplicas: number;
  peakLag: number;
  /** Spike start → the group first has `neededReplicas` members; undefined when it never did. */
  timeToScaleS: number | undefined;
  /** Spike end → the lag first falls to `drainedLag` or below; undefined when it never did. */
  timeToDrainS: number | undefined;
  drainedLag: number;
}

export interface BurstInput {
  samples: readonly MonitorSample[];
  /** Seconds since the run started. */
  spikeStartS: number;
  spikeEndS: number;
  peakRecordsPerSecond: number;
  throughputPerReplica: number;
  maxReplicas: number;
  partitions: number;
  drainedLag: number;
}

export function neededReplicas(input: Pick<BurstInput, 'peakRecordsPerSecond' | 'throughputPerReplica' | 'maxReplicas' | 'partitions'>): number {
  return Math.max(1, Math.min(input.maxReplicas, input.partitions, Math.ceil(input.peakRecordsPerSecond / input.throughputPerReplica)));
}

export function burstFigures(input: BurstInput): BurstFigures {
  const needed = neededReplicas(input);
  const scaled = input.samples.find((s) => s.t >= input.spikeStartS && s.members >= needed);
  const drained = input.samples.find((s) => s.t >= input.spikeEndS && s.totalLag <= input.drainedLag);
  return {
    neededReplicas: needed,
    peakReplicas: Math.max(0, ...input.samples.map((s) => s.members)),
    peakLag: Math.max(0, ...input.samples.map((s) => s.totalLag)),
    timeToScaleS: scaled === undefined ? undefined : scaled.t - input.spikeStartS,
    timeToDrainS: drained === undefined ? undefined : drained.t - input.spikeEndS,
    drainedLag: input.drainedLag,
  };
}
