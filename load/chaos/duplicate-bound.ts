// How many records a chaos phase may see twice in the output topic. At-least-once means a
// replica that loses its partitions without committing (killed, or in a rebalance) leaves its
// work since the last commit to the next owner, who outputs it again. That work is bounded by
// the consumer's settings, so the duplicates are too; a phase within the bound is healthy, one
// over it points at records redelivered that the settings say cannot be.
import type { FaultKind } from './fault-plan.ts';

export interface ConsumerBoundSettings {
  /** CONSUMER_MAX_UNCOMMITTED_RECORDS: records taken and not yet committable, per replica. */
  maxUncommittedRecords: number;
  /** CONSUMER_COMMIT_INTERVAL_MS. */
  commitIntervalMs: number;
  /** CONSUMER_THREADS. */
  threads: number;
  /** The handler's wait per record (fault-switch waitMs): a thread finishes at most 1000 / waitMs records/s. */
  handlerWaitMs: number;
}

/**
 * What one replica can hand over uncommitted: the records it has taken and not finished (at
 * most maxUncommittedRecords + 1: its intake takes one past the bound, which pauses it) plus the
 * records it finished since its last successful commit. Finished records are committed every
 * commit interval, and one commit may lose to the rebalance that takes the partitions away, so
 * two intervals of the replica's highest throughput (threads × 1000 / waitMs records/s: each
 * thread runs a chunk's records one after another, each waiting waitMs).
 */
export function perReplicaBound(settings: ConsumerBoundSettings): number {
  const ceilingPerSecond = (settings.threads * 1_000) / settings.handlerWaitMs;
  return settings.maxUncommittedRecords + 1 + Math.ceil((ceilingPerSecond * 2 * settings.commitIntervalMs) / 1_000);
}

/** One event that can make replicas hand work over uncommitted, and how many replicas it touches. */
export interface Disruption {
  cause: FaultKind | 'membership';
  replicas: number;
}

/**
 * Replicas a fault touches directly, given the group's members when it was injected: a killed
 * broker or lag-monitor (whose replicas are stopped and started again) touches every member; a
 * killed replica or a crashed thread, one. The storm and the slow handler touch replicas only
 * through the rebalances they cause, which `membershipDisruptions` counts.
 */
export function faultDisruption(kind: FaultKind, membersAtInjection: number): Disruption {
  switch (kind) {
    case 'broker-kill':
    case 'monitor-kill':
      return { cause: kind, replicas: Math.max(1, membersAtInjection) };
    case 'consumer-kill':
    case 'thread-crash':
      return { cause: kind, replicas: 1 };
    case 'rebalance-storm':
    case 'slow-handler':
      return { cause: kind, replicas: 0 };
  }
}

/**
 * Rebalances seen as changes of the group's member count between samples. Each member that
 * joins or leaves is one rebalance in which every member (the larger count) may hand its work
 * over: |b − a| × max(a, b) per change. Unknown samples (the broker was away) are skipped.
 */
export function membershipDisruptions(memberCounts: ReadonlyArray<number | undefined>): Disruption[] {
  const known = memberCounts.filter((count): count is number => count !== undefined);
  const disruptions: Disruption[] = [];
  for (let i = 1; i < known.length; i += 1) {
    const before = known[i - 1] as number;
    const after = known[i] as number;
    if (before !== after) disruptions.push({ cause: 'membership', replicas: Math.abs(after - before) * Math.max(before, after) });
  }
  return disruptions;
}

export interface DuplicateBound {
  perReplica: number;
  replicasTouched: number;
  bound: number;
}

export function duplicateBound(settings: ConsumerBoundSettings, disruptions: readonly Disruption[]): DuplicateBound {
  const perReplica = perReplicaBound(settings);
  const replicasTouched = disruptions.reduce((sum, d) => sum + d.replicas, 0);
  return { perReplica, replicasTouched, bound: perReplica * replicasTouched };
}
