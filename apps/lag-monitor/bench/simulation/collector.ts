import { summarizeLag } from '@lagscale/kafka-core/lag';
import { policyInputFrom, type PolicyInput } from '../../src/policy/index.js';
import type { SimulatedFleet } from './fleet.js';
import type { SimulationScenario } from './scenario.js';

interface OffsetSample {
  atMs: number;
  endSum: number;
  committedSum: number;
}

/**
 * Reads the fleet the way lag-monitor reads Kafka: integer offsets, lag from committed offsets,
 * and production/consumption rates as offset differences over a window of past samples (so they
 * trail a step, as the real smoothed rates do).
 */
export class SimulatedCollector {
  private history: OffsetSample[] = [];

  constructor(private readonly config: Pick<SimulationScenario, 'rateWindowMs' | 'collectionOutages'>) {}

  sample(fleet: SimulatedFleet, nowMs: number): PolicyInput {
    const ok = !this.config.collectionOutages.some((outage) => nowMs >= outage.fromMs && nowMs < outage.toMs);
    // An outage reads like the real monitor's failed cycle: no views.
    if (!ok) return policyInputFrom([], { nowMs, currentReplicas: fleet.replicas, collectionOk: false });
    const offsets = fleet.partitions.map((p, partition) => ({ partition, start: 0, end: Math.floor(p.end), committed: Math.floor(p.committed) }));
    // the monitor's own lag maths (every simulated partition has a commit)
    const { totalLag, partitionsWithLag } = summarizeLag(offsets, 'earliest');
    let endSum = 0;
    let committedSum = 0;
    for (const p of offsets) {
      endSum += p.end;
      committedSum += p.committed;
    }
    this.history.push({ atMs: nowMs, endSum, committedSum });
    // keep the newest sample at least a window old as the base of the rates
    while (this.history.length > 2 && (this.history[1]?.atMs ?? nowMs) <= nowMs - this.config.rateWindowMs) this.history.shift();
    const base = this.history[0];
    const seconds = base === undefined ? 0 : (nowMs - base.atMs) / 1000;
    return {
      nowMs,
      currentReplicas: fleet.replicas,
      collectionOk: true,
      rebalancing: fleet.rebalancing,
      members: fleet.members,
      partitionCount: fleet.partitions.length,
      partitionsWithLag,
      totalLag,
      productionRate: seconds > 0 && base !== undefined ? (endSum - base.endSum) / seconds : 0,
      consumptionRate: seconds > 0 && base !== undefined ? (committedSum - base.committedSum) / seconds : 0,
    };
  }
}
