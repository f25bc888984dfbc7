import type { SimulationScenario } from './scenario.js';

/** One partition: fractional offsets (records arrive as a fluid), floored when a collector reads them. */
export interface SimPartition {
  end: number;
  /** The group's consume position: everything below is processed. */
  position: number;
  committed: number;
}

interface Pod {
  id: number;
  /** When the pod joins the group; until then it is starting. */
  readyAtMs: number;
  joined: boolean;
}

type FleetConfig = Pick<SimulationScenario, 'partitions' | 'capacityPerReplica' | 'startupDelayMs' | 'rebalancePauseMs' | 'commitIntervalMs'>;

/**
 * A topic and the consumer fleet on it. Deterministic: no clock, no randomness; the runner moves
 * time forward with `advance()`. Rebalances are eager (the whole group stops), assignment is
 * round-robin over members by pod id (kafkajs's default assigner), and consumers commit on an
 * interval and before every rebalance, so a rebalance loses and repeats nothing.
 */
export class SimulatedFleet {
  readonly partitions: SimPartition[];
  private readonly config: FleetConfig;
  private pods: Pod[] = [];
  private nextPodId = 0;
  private assignment = new Map<number, number[]>();
  private rebalancingUntilMs: number | null = null;
  private lastCommitMs = 0;
  private nowMs = 0;
  produced = 0;
  processed = 0;

  constructor(config: FleetConfig, initialReplicas: number) {
    this.config = config;
    this.partitions = Array.from({ length: config.partitions }, () => ({ end: 0, position: 0, committed: 0 }));
    for (let i = 0; i < initialReplicas; i += 1) this.pods.push({ id: this.nextPodId++, readyAtMs: 0, joined: true });
    this.assign();
  }

  /** Replicas asked for (the Deployment's spec.replicas): running and starting pods. */
  get replicas(): number {
    return this.pods.length;
  }

  get members(): number {
    return this.pods.filter((pod) => pod.joined).length;
  }

  get rebalancing(): boolean {
    return this.rebalancingUntilMs !== null;
  }

  /** Members that own partitions and are consuming now. */
  get consumingMembers(): number {
    return this.rebalancing ? 0 : [...this.assignment.values()].filter((owned) => owned.length > 0).length;
  }

  /** Records produced and not yet processed. */
  get backlog(): number {
    return this.partitions.reduce((sum, p) => sum + (p.end - p.position), 0);
  }

  /** Sets the replica count. New pods join after the startup delay; removal takes starting pods first, then the newest. */
  scaleTo(replicas: number): void {
    while (this.pods.length < replicas) this.pods.push({ id: this.nextPodId++, readyAtMs: this.nowMs + this.config.startupDelayMs, joined: false });
    if (this.pods.length <= replicas) return;
    const starting = this.pods.filter((pod) => !pod.joined).reverse();
    const joined = this.pods.filter((pod) => pod.joined).reverse();
    const removed = new Set([...starting, ...joined].slice(0, this.pods.length - replicas));
    this.pods = this.pods.filter((pod) => !removed.has(pod));
    if ([...removed].some((pod) => pod.joined)) this.startRebalance();
  }

  /** Moves time forward by `dtMs` with `recordsPerSec` produced evenly over the partitions. */
  advance(dtMs: number, recordsPerSec: number): void {
    const seconds = dtMs / 1000;
    const perPartition = (recordsPerSec * seconds) / this.partitions.length;
    for (const p of this.partitions) p.end += perPartition;
    this.produced += perPartition * this.partitions.length;
    if (!this.rebalancing) this.consume(seconds);
    this.nowMs += dtMs;

    for (const pod of this.pods) {
      if (!pod.joined && pod.readyAtMs <= this.nowMs) {
        pod.joined = true;
        this.startRebalance();
      }
    }
    if (this.rebalancingUntilMs !== null && this.rebalancingUntilMs <= this.nowMs) {
      this.rebalancingUntilMs = null;
      this.assign();
    }
    if (this.nowMs - this.lastCommitMs >= this.config.commitIntervalMs) this.commit();
  }

  private consume(seconds: number): void {
    const budget = this.config.capacityPerReplica * seconds;
    for (const owned of this.assignment.values()) {
      // water-filling: each owned partition gets an equal share of the budget, a short one gives the rest back
      const byBacklog = owned.map((i) => this.partitions[i]).filter((p) => p !== undefined).sort((a, b) => a.end - a.position - (b.end - b.position));
      let left = budget;
      byBacklog.forEach((p, k) => {
        const share = left / (byBacklog.length - k);
        const taken = Math.min(share, p.end - p.position);
        p.position += taken;
        left -= taken;
        this.processed += taken;
      });
    }
  }

  private startRebalance(): void {
    this.commit();
    this.assignment = new Map();
    this.rebalancingUntilMs = Math.max(this.rebalancingUntilMs ?? 0, this.nowMs + this.config.rebalancePauseMs);
  }

  private assign(): void {
    const members = this.pods.filter((pod) => pod.joined).map((pod) => pod.id);
    this.assignment = new Map(members.map((id) => [id, []]));
    this.partitions.forEach((_, i) => {
      const owner = members[i % members.length];
      if (owner !== undefined) this.assignment.get(owner)?.push(i);
    });
  }

  private commit(): void {
    for (const p of this.partitions) p.committed = p.position;
    this.lastCommitMs = this.nowMs;
  }
}
