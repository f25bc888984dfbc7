import { AppError, describeError } from '@lagscale/kafka-core';
import { dispatchRecordOf, type RecordOutcome } from '../pool/executor.js';
import { retryDelayMs, type BackoffOptions } from './backoff.js';
import type { DispatcherClock } from './clock.js';
import type { DispatcherHooks, DispatcherStats } from './dispatcher-contract.js';
import type { Entry, Redo } from './dispatch-state.js';
import type { LaneScheduler } from './lane-scheduler.js';

export type RecoveryCounters = Pick<DispatcherStats, 'processed' | 'retries' | 'deadLettered' | 'produceErrors'>;

/** What the slow path needs from the dispatcher. */
export interface RecoveryContext {
  options: BackoffOptions & { maxAttempts: number };
  hooks: Pick<DispatcherHooks, 'onOutputs' | 'onDeadLetter'>;
  clock: DispatcherClock;
  counters: RecoveryCounters;
  lanes: LaneScheduler;
  /** Marks a record done: its offset may be committed. */
  complete(entry: Entry): void;
  /** Resolves true after `ms`, or false once the dispatcher drains. */
  sleep(ms: number): Promise<boolean>;
}

/**
 * The dispatcher's slow path, for chunks whose records did not all simply succeed: producing
 * outputs, retries with backoff, dead letters, and re-queueing what has to run again, in order.
 */
export class Recovery {
  constructor(private readonly ctx: RecoveryContext) {}

  /**
   * Settles a group's outcomes up to its first failed or skipped record. That record and every
   * later one of the lane go back to the front of the lane in order: the failed one as an
   * attempt, the rest as re-runs (skipped by the worker; or, from an executor that ran them
   * anyway, run out of order, so their outcomes are dropped).
   */
  async settleGroup(group: Entry[], outcomes: RecordOutcome[]): Promise<void> {
    const stopAt = outcomes.findIndex((o) => o.status === 'failed' || o.status === 'skipped');
    const settledCount = stopAt < 0 ? group.length : stopAt;
    const finishing: Array<Promise<Redo | undefined>> = [];
    for (let i = 0; i < settledCount; i += 1) finishing.push(this.finish(group[i] as Entry, outcomes[i] as RecordOutcome));
    const redo = (await Promise.all(finishing)).filter((r): r is Redo => r !== undefined);
    const stop = outcomes[stopAt];
    if (stop !== undefined) {
      const entry = group[stopAt] as Entry;
      if (stop.status === 'failed') redo.push({ entry, error: stop.error, countsAsAttempt: true, deadLetter: entry.attempt >= this.ctx.options.maxAttempts });
      else redo.push({ entry, error: undefined, countsAsAttempt: false, deadLetter: false });
      for (const follower of group.slice(stopAt + 1)) redo.push({ entry: follower, error: undefined, countsAsAttempt: false, deadLetter: false });
    }
    await this.recover(group, redo);
  }

  /** Dead-letters what is due, then puts the rest back at the front of its lane after a backoff. */
  async recover(group: Entry[], redo: Redo[]): Promise<void> {
    const { options, clock, counters } = this.ctx;
    await Promise.all(redo.filter((r) => r.deadLetter).map((r) => this.deadLetter(r.entry, r.error ?? 'unknown error')));
    const again = redo.filter((r) => !r.deadLetter);
    let delayMs = 0;
    for (const r of again) {
      if (!r.countsAsAttempt) continue;
      delayMs = Math.max(delayMs, retryDelayMs(r.entry.attempt, options, clock.random));
      r.entry.attempt += 1;
      counters.retries += 1;
    }
    // Woken early by drain: stay blocked, the records stay uncommitted and the next owner reruns them.
    if (delayMs > 0 && !(await this.ctx.sleep(delayMs))) return;
    if (group[0]?.part.revoked) return;
    this.ctx.lanes.requeue(group, again.map((r) => r.entry));
  }

  /** Completes one record; a rejected produce comes back as a failed attempt to retry. */
  private async finish(entry: Entry, outcome: RecordOutcome): Promise<Redo | undefined> {
    if (outcome.status === 'undecodable') {
      await this.deadLetter(entry, `undecodable: ${outcome.error}`);
      return undefined;
    }
    if (outcome.status !== 'ok') throw new AppError('INTERNAL', 'finish() is only for settled outcomes');
    if (outcome.outputs.length > 0) {
      try {
        await this.ctx.hooks.onOutputs(entry, outcome.outputs);
      } catch (err) {
        this.ctx.counters.produceErrors += 1;
        return { entry, error: `producing outputs failed: ${describeError(err)}`, countsAsAttempt: true, deadLetter: entry.attempt >= this.ctx.options.maxAttempts };
      }
    }
    this.ctx.counters.processed += 1;
    this.ctx.complete(entry);
    return undefined;
  }

  /** Retries the dead-letter produce until it succeeds, the partition goes, or we drain. */
  private async deadLetter(entry: Entry, reason: string): Promise<void> {
    const { hooks, counters, options, clock } = this.ctx;
    for (let failures = 1; !entry.part.revoked; failures += 1) {
      try {
        await hooks.onDeadLetter(dispatchRecordOf(entry), reason, entry.attempt);
        counters.deadLettered += 1;
        this.ctx.complete(entry);
        return;
      } catch {
        counters.produceErrors += 1;
        if (!(await this.ctx.sleep(retryDelayMs(failures, options, clock.random)))) return;
      }
    }
  }
}
