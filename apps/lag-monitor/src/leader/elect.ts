import type { LeaderElectionOptions } from './election-options.js';
import type { LeaseClaim, LeaseRead, LeaseRecord, LeaseWriteResult } from './lease.js';

/** Why a step did what it did; a closed list, like the scaling reasons. */
export const ELECTION_REASONS = ['lease-missing', 'renew', 'released', 'expired', 'held', 'read-failed'] as const;
export type ElectionReason = (typeof ELECTION_REASONS)[number];

export interface ElectionState {
  /**
   * The Lease as last seen, and when (this process's monotonic clock) it was first seen with
   * that resourceVersion. Expiry is measured from here, never from the renewTime the holder
   * wrote: clocks of two machines disagree, a resourceVersion change does not.
   */
  observed: { record: LeaseRecord; atMs: number } | undefined;
  /** While leading: the end of this replica's right to act (own clock). Undefined: following. */
  leadingUntilMs: number | undefined;
}

export function createElectionState(): ElectionState {
  return { observed: undefined, leadingUntilMs: undefined };
}

export interface ElectionInput {
  /** Monotonic ms, taken when the read below completed. */
  nowMs: number;
  /** Wall-clock ms, written into the Lease as acquire and renew times. */
  wallMs: number;
  read: LeaseRead;
}

/** What to do with the Lease now. `update` is conditional on `resourceVersion`. */
export type ElectionAction =
  | { kind: 'create'; claim: LeaseClaim }
  | { kind: 'update'; claim: LeaseClaim; resourceVersion: string }
  | { kind: 'wait' };

export interface ElectionStep {
  state: ElectionState;
  action: ElectionAction;
  reason: ElectionReason;
  /** Holder as read (undefined: nobody, or unknown). */
  holder: string | undefined;
  /** When to look again: the retry period, or sooner when another's claim runs out first. */
  nextStepInMs: number;
}

/** True while this replica may act: it renewed within the renew deadline. */
export function isLeading(state: ElectionState, nowMs: number): boolean {
  return state.leadingUntilMs !== undefined && nowMs < state.leadingUntilMs;
}

/** The claim duration a record stands for: what its holder wrote, else ours. */
function claimMs(record: LeaseRecord, options: LeaderElectionOptions): number {
  const seconds = record.leaseDurationSeconds;
  return seconds !== undefined && seconds > 0 ? seconds * 1_000 : options.leaseDurationMs;
}

function claim(options: LeaderElectionOptions, wallMs: number, acquireTimeMs: number, leaseTransitions: number): LeaseClaim {
  return {
    holderIdentity: options.identity,
    leaseDurationSeconds: options.leaseDurationMs / 1_000,
    acquireTimeMs,
    renewTimeMs: wallMs,
    leaseTransitions,
  };
}

/**
 * One look at the Lease, client-go's tryAcquireOrRenew as a pure function: the read and the
 * clocks come in, the state goes in and a new one comes out, with the write to try (if any).
 * Options are assumed valid (validateLeaderElectionOptions).
 *
 * - read failed: wait; a leader stays leader until its renew deadline runs out by itself;
 * - no Lease: create it, holding it;
 * - we hold it: renew (keep acquire time and transitions);
 * - nobody holds it (released): take it;
 * - another holds it: take it once its claim ran out, counted from when we saw it change;
 *   otherwise wait, and we are not leading (whatever our deadline said).
 */
export function elect(state: ElectionState, input: ElectionInput, options: LeaderElectionOptions): ElectionStep {
  const { nowMs, wallMs, read } = input;
  const retry = options.retryPeriodMs;

  if (read.kind === 'failed') {
    return { state, action: { kind: 'wait' }, reason: 'read-failed', holder: state.observed?.record.holderIdentity || undefined, nextStepInMs: retry };
  }
  if (read.kind === 'missing') {
    return {
      state: { ...state, observed: undefined },
      action: { kind: 'create', claim: claim(options, wallMs, wallMs, 0) },
      reason: 'lease-missing',
      holder: undefined,
      nextStepInMs: retry,
    };
  }

  const record = read.record;
  const observed = state.observed?.record.resourceVersion === record.resourceVersion ? state.observed : { record, atMs: nowMs };
  const holder = record.holderIdentity || undefined;
  const update = (acquireTimeMs: number, leaseTransitions: number): ElectionAction => ({
    kind: 'update',
    claim: claim(options, wallMs, acquireTimeMs, leaseTransitions),
    resourceVersion: record.resourceVersion,
  });

  if (holder === options.identity) {
    return {
      state: { ...state, observed },
      action: update(record.acquireTimeMs ?? wallMs, record.leaseTransitions),
      reason: 'renew',
      holder,
      nextStepInMs: retry,
    };
  }
  if (holder === undefined) {
    return { state: { ...state, observed }, action: update(wallMs, record.leaseTransitions + 1), reason: 'released', holder, nextStepInMs: retry };
  }
  const expiresAtMs = observed.atMs + claimMs(record, options);
  if (nowMs >= expiresAtMs) {
    return { state: { ...state, observed }, action: update(wallMs, record.leaseTransitions + 1), reason: 'expired', holder, nextStepInMs: retry };
  }
  return {
    state: { observed, leadingUntilMs: undefined },
    action: { kind: 'wait' },
    reason: 'held',
    holder,
    nextStepInMs: Math.max(1, Math.min(retry, expiresAtMs - nowMs)),
  };
}

/**
 * The state after a write. `startedAtMs` is when the write was sent (monotonic): the server
 * stored it later, and every other candidate saw it later still, so a leader's deadline
 * counted from here ends at least leaseDuration − renewDeadline before anyone may take over.
 */
export function afterWrite(state: ElectionState, startedAtMs: number, result: LeaseWriteResult, options: LeaderElectionOptions): ElectionState {
  switch (result.kind) {
    case 'written':
      return {
        observed: { record: result.record, atMs: startedAtMs },
        leadingUntilMs: result.record.holderIdentity === options.identity ? startedAtMs + options.renewDeadlineMs : undefined,
      };
    case 'conflict':
      // Someone else wrote first: whatever we held, another may hold now.
      return { ...state, leadingUntilMs: undefined };
    case 'failed':
      // Unknown: keep the deadline, which runs out by itself if the failures go on.
      return state;
  }
}

/**
 * The write that hands the Lease back on shutdown (client-go's ReleaseOnCancel): no holder and a
 * 1 s duration, so the next candidate takes over at its next look instead of after a whole
 * lease duration. Undefined when this replica does not hold it.
 */
export function releaseAction(state: ElectionState, nowMs: number, wallMs: number, options: LeaderElectionOptions): ElectionAction | undefined {
  const record = state.observed?.record;
  if (record === undefined || record.holderIdentity !== options.identity || !isLeading(state, nowMs)) return undefined;
  return {
    kind: 'update',
    claim: { holderIdentity: '', leaseDurationSeconds: 1, acquireTimeMs: wallMs, renewTimeMs: wallMs, leaseTransitions: record.leaseTransitions },
    resourceVersion: record.resourceVersion,
  };
}
