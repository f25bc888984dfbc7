import type { TopicSequenceReport } from '@lagscale/kafka-core/sequence';
import type { ScalingDecision } from '@lagscale/lag-monitor';
import { demoPlan } from './demo-plan.js';

export interface ScaleEvent {
  atMs: number;
  from: number;
  to: number;
  reason: string;
}

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
}

/** Tracks peak lag, drain and scale events across cycles. */
export class DemoTracker {
  peakLag = 0;
  peakLagAtMs = 0;
  drainedAtMs: number | null = null;
  maxReplicas = 0;
  readonly scaleEvents: ScaleEvent[] = [];

  observe(elapsedMs: number, totalLag: number, replicas: number, decision: ScalingDecision | undefined): void {
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
    }
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
    `  duration        ${s(r.durationMs)}`,
  ].join('\n');
}
