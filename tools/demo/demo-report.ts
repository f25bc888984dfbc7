import type { TopicSequenceReport } from '@lagscale/kafka-core/sequence';
import type { ScalingDecision } from '@lagscale/lag-monitor';
import { demoPlan } from './demo-plan.js';

export interface ScaleEvent {
  atMs: number;
  from: number;
  to: number;
  reason: string;
}

/**
 * How long replicas added by one scale-up took to pay off: from the decision to the first moment
 * the group committed at least `productiveShare` of the new fleet's capacity (replicas, at most
 * one per partition, × the measured throughput of one replica), over the trailing
 * `productiveRateWindowMs`. `productiveAtMs` is null when the fleet changed again first
 * (`supersededAtMs`) or the backlog ran out before (`backlogGoneAtMs`): a drained group cannot
 * consume at capacity, which is not the replicas' fault.
 */
export interface ScaleUpTiming {
  atMs: number;
  from: number;
  to: number;
  /** Records/s that count as productive: productiveShare × capacity of `to` replicas. */
  targetRate: number;
  productiveAtMs: number | null;
  /** productiveAtMs − atMs. */
  timeToProductiveMs: number | null;
  supersededAtMs: number | null;
  backlogGoneAtMs: number | null;
}

/** Share of the new fleet's capacity that counts as productive. */
export const productiveShare = 0.9;
/** Window of the commit rate compared with the target: short, so the answer is not late by it. */
export const productiveRateWindowMs = 2_000;

/** What the demo measured; `lost` comes from the sequence verifier on the output topic. */
export interface DemoReport {
  settled: boolean;
  durationMs: number;
  produced: number;
  processed: number;
  lost: number;
  duplicates: number;
  keyOrderViolations: number;
  deadLettered: number;
  peakLag: number;
  peakLagAtMs: number;
  /** From the peak of the lag to the first collection that saw it drained (`demoPlan.drainedLag`). */
  timeToDrainMs: number | null;
  maxReplicas: number;
  scaleEvents: ScaleEvent[];
  /** Every scale-up from at least one replica (the first start is process start, not a scale-up). */
  scaleUps: ScaleUpTiming[];
}

/** Tracks peak lag, drain and scale events across cycles. */
export class DemoTracker {
  peakLag = 0;
  peakLagAtMs = 0;
  drainedAtMs: number | null = null;
  maxReplicas = 0;
  readonly scaleEvents: ScaleEvent[] = [];
  readonly scaleUps: ScaleUpTiming[] = [];
  /** (time, sum of committed offsets) per collection, kept for the trailing rate window. */
  private readonly commits: Array<{ atMs: number; committed: number }> = [];

  /**
   * `committed` is the group's committed offsets summed over the partitions, from the same
   * collection: its rate is what the group really processed, with no smoothing window.
   */
  observe(elapsedMs: number, totalLag: number, replicas: number, decision: ScalingDecision | undefined, committed?: number): void {
    if (committed !== undefined) this.observeCommits(elapsedMs, committed, totalLag);
    if (totalLag > this.peakLag) {
      this.peakLag = totalLag;
      this.peakLagAtMs = elapsedMs;
      this.drainedAtMs = null;
    } else if (totalLag <= demoPlan.drainedLag && this.peakLag > demoPlan.drainedLag && this.drainedAtMs === null) {
      this.drainedAtMs = elapsedMs;
    }
    this.maxReplicas = Math.max(this.maxReplicas, replicas);
    if (decision !== undefined && decision.desired !== decision.current) {
      this.scaleEvents.push({ atMs: elapsedMs, from: decision.current, to: decision.desired, reason: decision.reason });
      this.maxReplicas = Math.max(this.maxReplicas, decision.desired);
      const open = this.openScaleUp();
      if (open !== undefined) open.supersededAtMs = elapsedMs;
      if (decision.desired > decision.current && decision.current >= 1) {
        const capacity = Math.min(decision.desired, demoPlan.partitions) * demoPlan.throughputPerReplica;
        this.scaleUps.push({
          atMs: elapsedMs,
          from: decision.current,
          to: decision.desired,
          targetRate: Math.round(productiveShare * capacity),
          productiveAtMs: null,
          timeToProductiveMs: null,
          supersededAtMs: null,
          backlogGoneAtMs: null,
        });
      }
    }
  }

  private openScaleUp(): ScaleUpTiming | undefined {
    const last = this.scaleUps.at(-1);
    return last !== undefined && last.productiveAtMs === null && last.supersededAtMs === null && last.backlogGoneAtMs === null ? last : undefined;
  }

  private observeCommits(elapsedMs: number, committed: number, totalLag: number): void {
    this.commits.push({ atMs: elapsedMs, committed });
    // Keep one sample at or before the window's start, so the window is always full.
    while (this.commits.length > 2 && (this.commits[1]?.atMs ?? elapsedMs) <= elapsedMs - productiveRateWindowMs) this.commits.shift();
    const open = this.openScaleUp();
    if (open === undefined) return;
    const first = this.commits[0];
    if (first !== undefined && first.atMs >= open.atMs && elapsedMs - first.atMs >= productiveRateWindowMs / 2) {
      const rate = ((committed - first.committed) * 1000) / (elapsedMs - first.atMs);
      if (rate >= open.targetRate) {
        open.productiveAtMs = elapsedMs;
        open.timeToProductiveMs = elapsedMs - open.atMs;
        return;
      }
    }
    if (totalLag <= demoPlan.drainedLag) open.backlogGoneAtMs = elapsedMs;
  }

  get timeToDrainMs(): number | null {
    return this.drainedAtMs === null ? null : this.drainedAtMs - this.peakLagAtMs;
  }
}

export function reportFrom(input: {
  settled: boolean;
  durationMs: number;
  produced: number;
  verified: TopicSequenceReport;
  deadLettered: number;
  tracker: DemoTracker;
}): DemoReport {
  const { verified, tracker } = input;
  const totals = verified.totals;
  // Every produced record must reach the output topic (or the DLQ): what is missing is lost.
  // The verifier is given the produced count, so its gaps include a missing tail.
  const lost = Math.max(totals.gaps - input.deadLettered, 0);
  return {
    settled: input.settled,
    durationMs: input.durationMs,
    produced: input.produced,
    processed: totals.seen,
    lost,
    duplicates: totals.duplicates,
    keyOrderViolations: totals.keyOrderViolations,
    deadLettered: input.deadLettered,
    peakLag: tracker.peakLag,
    peakLagAtMs: tracker.peakLagAtMs,
    timeToDrainMs: tracker.timeToDrainMs,
    maxReplicas: tracker.maxReplicas,
    scaleEvents: tracker.scaleEvents,
    scaleUps: tracker.scaleUps,
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (v: number) => v.toLocaleString('en-US');

export function formatReport(r: DemoReport): string {
  const events = r.scaleEvents.map((e) => `${e.from}→${e.to} at ${s(e.atMs)} (${e.reason})`).join(', ') || 'none';
  return [
    '',
    `demo report${r.settled ? '' : ' (the fleet had not settled by the deadline)'}`,
    `  produced        ${n(r.produced)} records`,
    `  processed       ${n(r.processed)} distinct records on the output topic (${n(r.deadLettered)} dead-lettered)`,
    `  lost            ${n(r.lost)}${r.lost === 0 ? '' : '   <-- records produced but never processed'}`,
    `  duplicates      ${n(r.duplicates)} (at-least-once: redelivered after rebalances)`,
    `  key order       ${n(r.keyOrderViolations)} violations`,
    `  peak lag        ${n(r.peakLag)} at ${s(r.peakLagAtMs)}`,
    `  time to drain   ${r.timeToDrainMs === null ? 'did not drain' : s(r.timeToDrainMs)} (peak lag → under ${n(demoPlan.drainedLag)}, one second of base load)`,
    `  replicas        1 → ${r.maxReplicas} → back down; ${r.scaleEvents.length} scale events: ${events}`,
    ...r.scaleUps.map((u) => `  scale-up ${`${u.from}→${u.to}`.padEnd(6)} at ${s(u.atMs)}: ${productiveLine(u)}`),
    `  duration        ${s(r.durationMs)}`,
  ].join('\n');
}

function productiveLine(u: ScaleUpTiming): string {
  const target = `${Math.round(productiveShare * 100)}% of the fleet's capacity, ${n(u.targetRate)}/s`;
  if (u.timeToProductiveMs !== null) return `productive in ${s(u.timeToProductiveMs)} (committing ≥ ${target})`;
  if (u.supersededAtMs !== null) return `not at ${target} before the next decision, ${s(u.supersededAtMs - u.atMs)} later`;
  if (u.backlogGoneAtMs !== null) return `backlog drained after ${s(u.backlogGoneAtMs - u.atMs)} before reaching ${target}`;
  return `never reached ${target}`;
}
