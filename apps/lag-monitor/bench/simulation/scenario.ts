/** One stretch of constant production, from `fromMs` until the next phase. */
export interface LoadPhase {
  fromMs: number;
  recordsPerSec: number;
}

/** A simulated topic, fleet, collector and load; all times are simulated milliseconds. */
export interface SimulationScenario {
  partitions: number;
  /** Records/s one replica consumes when it has work. */
  capacityPerReplica: number;
  /** From a scale-up until the new pod joins the group. */
  startupDelayMs: number;
  /** Every membership change stops the whole group (eager rebalance) for this long. */
  rebalancePauseMs: number;
  /** Consumers commit their position this often (and on every rebalance). */
  commitIntervalMs: number;
  /** The collector samples offsets and group state this often. */
  collectIntervalMs: number;
  /** Rates are the offset difference over this window (smoothed, like derive's `windowMs`). */
  rateWindowMs: number;
  /** Replicas running (and in the group) at time 0. */
  initialReplicas: number;
  /** Sorted by `fromMs`; the first starts at 0. */
  load: LoadPhase[];
  durationMs: number;
  tickMs: number;
  /** Collections that fail (the broker unreachable): the collector reports `collectionOk: false`. */
  collectionOutages: Array<{ fromMs: number; toMs: number }>;
}

/** The load step: 1k/s, 20k/s for 2 minutes, back to 1k/s; 15 minutes in all. */
export const loadStepScenario = {
  partitions: 32,
  capacityPerReplica: 2_500,
  startupDelayMs: 10_000,
  rebalancePauseMs: 3_000,
  commitIntervalMs: 1_000,
  collectIntervalMs: 5_000,
  // derive's default window: the policy sees rates as smoothed as the real monitor gives them
  rateWindowMs: 60_000,
  initialReplicas: 1,
  load: [
    { fromMs: 0, recordsPerSec: 1_000 },
    { fromMs: 60_000, recordsPerSec: 20_000 },
    { fromMs: 180_000, recordsPerSec: 1_000 },
  ],
  durationMs: 900_000,
  tickMs: 250,
  collectionOutages: [],
} satisfies SimulationScenario;

export function productionRateAt(load: readonly LoadPhase[], atMs: number): number {
  let rate = 0;
  for (const phase of load) if (phase.fromMs <= atMs) rate = phase.recordsPerSec;
  return rate;
}

/**
 * The fewest replicas that keep up with `recordsPerSec` spread evenly over the partitions: Kafka
 * hands out partitions, not records, so the busiest replica carries ceil(partitions / replicas).
 */
export function neededReplicas(scenario: Pick<SimulationScenario, 'partitions' | 'capacityPerReplica'>, recordsPerSec: number): number {
  const perPartition = recordsPerSec / scenario.partitions;
  for (let replicas = 1; replicas <= scenario.partitions; replicas += 1) {
    if (Math.ceil(scenario.partitions / replicas) * perPartition <= scenario.capacityPerReplica) return replicas;
  }
  return scenario.partitions;
}
