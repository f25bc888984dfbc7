/**
 * The demo's load and fleet. Sized for a 2-core machine: each replica runs an I/O-bound handler
 * (a fixed wait per record, like a call to a downstream service), so more replicas really do
 * drain faster even when CPUs are few; the spike needs several replicas, the base rate one.
 */
export const demoPlan = {
  partitions: 8,
  maxReplicas: 8,
  /** Producer: base rate, then a spike, then base again until the end of the run. */
  baseRate: 200,
  peakRate: 2_500,
  spikeAtMs: 20_000,
  spikeDurationMs: 40_000,
  produceForMs: 105_000,
  /** Per record wait of the consumer handler, and the threads of each replica. */
  handlerWaitMs: 2,
  threadsPerReplica: 1,
  chunkSize: 32,
  /** What one replica drains (records/s), measured with this handler: the policy's floor. */
  throughputPerReplica: 450,
  /** Monitor: cycle, rate/health window, policy. */
  intervalMs: 1_000,
  windowMs: 10_000,
  drainTargetSeconds: 20,
  scaleDownStabilizationMs: 20_000,
  /**
   * Lag that counts as drained: one second of base load. With records arriving, the committed
   * offset always trails the end by what is in flight, so exactly 0 is rarely seen.
   */
  drainedLag: 200,
  /** The whole run ends by itself here even if the fleet has not settled. */
  deadlineMs: 210_000,
  /** Expected length, for the progress clock. */
  expectedMs: 125_000,
} as const;

export type DemoPhase = 'starting' | 'base load' | 'spike' | 'after the spike' | 'draining' | 'scaling down' | 'settled';

/** Where the run is, from the producer's schedule and what the monitor sees. */
export function demoPhase(input: { elapsedMs: number; producerDone: boolean; totalLag: number; replicas: number; minReplicas: number }): DemoPhase {
  const { elapsedMs, producerDone, totalLag, replicas, minReplicas } = input;
  if (!producerDone) {
    if (elapsedMs < demoPlan.spikeAtMs) return 'base load';
    if (elapsedMs < demoPlan.spikeAtMs + demoPlan.spikeDurationMs) return 'spike';
    return 'after the spike';
  }
  // The producer has stopped, so the lag reaches exactly 0; the consumers are stopped only then,
  // or records still unread would count as lost.
  if (totalLag > 0) return 'draining';
  if (replicas > minReplicas) return 'scaling down';
  return 'settled';
}
