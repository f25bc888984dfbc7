import type { OutputRecord, RecordOutcome } from '../pool/executor.js';
import { retryDelayMs, type BackoffOptions } from './backoff.js';
import type { Entry } from './entry.js';

/*
 * The dispatcher's slow path, as decisions: what becomes of the records of a chunk that did not
 * all simply succeed. Pure functions of the records and their outcomes; the dispatcher produces,
 * dead-letters, waits and re-queues as told.
 */

/** A record to run again; a retry counts as a failed attempt (a backoff first, then its attempt number goes up). */
export interface Rerun {
  entry: Entry;
  retry: boolean;
}

export interface DeadLetter {
  entry: Entry;
  reason: string;
}

/** What becomes of a group: one lane's records of a chunk, or one independent record. */
export interface RecoveryPlan {
  /** Ran and succeeded: each completes once its outputs (if any) are produced. */
  produce: Array<{ entry: Entry; outputs: readonly OutputRecord[] }>;
  /** Dead-lettered now, then complete: undecodable, rejected as not retriable, or out of attempts. */
  deadLetter: DeadLetter[];
  /** Run again, in lane order, from the front of their lane. */
  rerun: Rerun[];
}

/** A failed attempt of a record: retried, or dead-lettered once it used `maxAttempts`. */
export function failedAttempt(entry: Entry, error: string, maxAttempts: number): { rerun: Rerun } | { deadLetter: DeadLetter } {
  return entry.attempt >= maxAttempts ? { deadLetter: { entry, reason: error } } : { rerun: { entry, retry: true } };
}

/**
 * A group's outcomes. Records up to the first failed or skipped one are settled: produced (ok) or
 * dead-lettered (undecodable or rejected: never retried). That record and every later one of the group run
 * again, in order: the failed one as a failed attempt, the rest as re-runs (skipped by the
 * worker; or, from an executor that ran them anyway, run out of order, so their outcomes are
 * dropped).
 */
export function planOutcomes(group: readonly Entry[], outcomes: readonly RecordOutcome[], maxAttempts: number): RecoveryPlan {
  const plan: RecoveryPlan = { produce: [], deadLetter: [], rerun: [] };
  const stopAt = outcomes.findIndex((o) => o.status === 'failed' || o.status === 'skipped');
  const settled = stopAt < 0 ? group.length : stopAt;
  for (let i = 0; i < settled; i += 1) {
    const entry = group[i] as Entry;
    const outcome = outcomes[i] as RecordOutcome;
    if (outcome.status === 'ok') plan.produce.push({ entry, outputs: outcome.outputs });
    else if (outcome.status === 'undecodable') plan.deadLetter.push({ entry, reason: `undecodable: ${outcome.error}` });
    else if (outcome.status === 'rejected') plan.deadLetter.push({ entry, reason: `not retriable: ${outcome.error}` });
  }
  const stop = outcomes[stopAt];
  if (stop === undefined) return plan;
  const stopped = group[stopAt] as Entry;
  if (stop.status === 'failed') {
    const next = failedAttempt(stopped, stop.error, maxAttempts);
    if ('rerun' in next) plan.rerun.push(next.rerun);
    else plan.deadLetter.push(next.deadLetter);
  } else plan.rerun.push({ entry: stopped, retry: false });
  for (const follower of group.slice(stopAt + 1)) plan.rerun.push({ entry: follower, retry: false });
  return plan;
}

/**
 * A group whose chunk crashed its worker (its records' `crashes` already counted): every record
 * runs again without counting an attempt, except one that crashed more than `maxChunkCrashes`
 * times, which is dead-lettered (by then it ran alone, so it is the poison one).
 */
export function planCrash(group: readonly Entry[], error: string, maxChunkCrashes: number): RecoveryPlan {
  const plan: RecoveryPlan = { produce: [], deadLetter: [], rerun: [] };
  for (const entry of group) {
    if (entry.crashes > maxChunkCrashes) plan.deadLetter.push({ entry, reason: `worker crashed ${entry.crashes} times running it: ${error}` });
    else plan.rerun.push({ entry, retry: false });
  }
  return plan;
}

/** How long the re-runs wait: the longest backoff any retry among them asks for; 0 without retries. */
export function rerunDelayMs(rerun: readonly Rerun[], options: BackoffOptions, random: () => number): number {
  let delayMs = 0;
  for (const r of rerun) if (r.retry) delayMs = Math.max(delayMs, retryDelayMs(r.entry.attempt, options, random));
  return delayMs;
}
