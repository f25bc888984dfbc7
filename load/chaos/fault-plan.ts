// What a chaos run injects and when: pure data, so the schedule is read (and tested) apart from
// the processes it disturbs. A run is a sequence of phases over one pipeline; each phase has its
// own producer-gen run (its own producer id, so the verifier reports it apart), its faults at
// offsets from the phase's start, and ends once the group has committed everything produced.

export const FAULT_KINDS = ['broker-kill', 'consumer-kill', 'thread-crash', 'monitor-kill', 'rebalance-storm', 'slow-handler'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_DESCRIPTIONS: Readonly<Record<FaultKind, string>> = {
  'broker-kill': 'SIGKILL the broker, start it again at once (same data dir)',
  'consumer-kill': 'SIGKILL one consumer-worker replica; lag-monitor starts it again',
  'thread-crash': 'one worker thread of the fleet ends itself mid-chunk (the fault-switch handler)',
  'monitor-kill': 'SIGKILL lag-monitor (its replicas see it gone and stop by themselves), start it again',
  'rebalance-storm': 'seven more replicas join the group, then leave: 1 → 8 → 1 members within a minute',
  'slow-handler': 'every record takes longer for a while (the plan\'s slowMs for slowForMs; 15 ms for 10 s in the full run), through the fault-switch handler',
};

export interface FaultStep {
  kind: FaultKind;
  /** Offset from the phase's start. */
  atMs: number;
}

export interface ChaosPhase {
  /** Row name in the table: the fault, or `together`, or `none`. */
  name: string;
  faults: FaultStep[];
  /** How long producer-gen runs in this phase. */
  produceMs: number;
}

export interface ChaosPlan {
  profile: ChaosProfile;
  /** Records per second of each phase's producer. */
  rate: number;
  partitions: number;
  /** slow-handler: extra wait per record, and for how long. */
  slowMs: number;
  slowForMs: number;
  /** rebalance-storm: members at the peak (the fleet's one replica plus the extra ones). */
  stormPeak: number;
  phases: ChaosPhase[];
}

export const CHAOS_PROFILES = ['full', 'reduced'] as const;
export type ChaosProfile = (typeof CHAOS_PROFILES)[number];

const single = (kind: FaultKind, atMs: number, produceMs: number): ChaosPhase => ({ name: kind, faults: [{ kind, atMs }], produceMs });

/**
 * `full` (`npm run chaos`): each fault alone, then all of them within 20 s of each other.
 * `reduced` (the integration suite): each fault alone but the storm (seven more replicas
 * starting cost a busy 2-core machine a minute of CPU), with short phases.
 */
export function chaosPlan(profile: ChaosProfile): ChaosPlan {
  if (profile === 'reduced') {
    return {
      profile,
      rate: 150,
      partitions: 4,
      slowMs: 15,
      slowForMs: 6_000,
      stormPeak: 4,
      phases: [
        single('thread-crash', 3_000, 10_000),
        single('consumer-kill', 3_000, 10_000),
        single('monitor-kill', 3_000, 12_000),
        single('slow-handler', 2_000, 10_000),
        single('broker-kill', 3_000, 12_000),
      ],
    };
  }
  return {
    profile,
    rate: 250,
    partitions: 8,
    slowMs: 15,
    slowForMs: 10_000,
    stormPeak: 8,
    phases: [
      { name: 'none', faults: [], produceMs: 15_000 },
      single('broker-kill', 8_000, 40_000),
      single('consumer-kill', 8_000, 25_000),
      single('thread-crash', 8_000, 20_000),
      single('monitor-kill', 8_000, 25_000),
      single('rebalance-storm', 5_000, 45_000),
      single('slow-handler', 5_000, 30_000),
      {
        name: 'together',
        faults: [
          { kind: 'slow-handler', atMs: 5_000 },
          { kind: 'rebalance-storm', atMs: 7_000 },
          { kind: 'thread-crash', atMs: 12_000 },
          { kind: 'consumer-kill', atMs: 15_000 },
          { kind: 'monitor-kill', atMs: 19_000 },
          { kind: 'broker-kill', atMs: 24_000 },
        ],
        produceMs: 60_000,
      },
    ],
  };
}

/** Problems with a plan (empty when it can run): faults inside their phase, in time order. */
export function validatePlan(plan: ChaosPlan): string[] {
  const problems: string[] = [];
  if (!(plan.rate > 0)) problems.push(`rate must be > 0 (got ${plan.rate})`);
  if (!Number.isInteger(plan.stormPeak) || plan.stormPeak < 2 || plan.stormPeak > plan.partitions) {
    problems.push(`stormPeak must be an integer from 2 to the partition count ${plan.partitions} (got ${plan.stormPeak})`);
  }
  for (const phase of plan.phases) {
    let previous = 0;
    for (const fault of phase.faults) {
      if (fault.atMs < previous) problems.push(`${phase.name}: ${fault.kind} at ${fault.atMs} ms comes before the fault ahead of it`);
      if (fault.atMs >= phase.produceMs) problems.push(`${phase.name}: ${fault.kind} at ${fault.atMs} ms is after the producer stops (${phase.produceMs} ms)`);
      previous = fault.atMs;
    }
  }
  return problems;
}

/** The faults a plan injects, each once, in the order of FAULT_KINDS. */
export function faultsOf(plan: ChaosPlan): FaultKind[] {
  const kinds = new Set(plan.phases.flatMap((phase) => phase.faults.map((fault) => fault.kind)));
  return FAULT_KINDS.filter((kind) => kinds.has(kind));
}
