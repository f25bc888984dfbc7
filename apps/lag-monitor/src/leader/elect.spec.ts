import { describe, expect, it } from 'vitest';
import { afterWrite, createElectionState, elect, isLeading, releaseAction, type ElectionAction, type ElectionReason, type ElectionState } from './elect.js';
import { validateLeaderElectionOptions, type LeaderElectionOptions } from './election-options.js';
import type { LeaseRead, LeaseRecord, LeaseWriteResult } from './lease.js';

const ME = 'lag-monitor-a';
const OTHER = 'lag-monitor-b';
const WALL = 1_750_000_000_000;
const options: LeaderElectionOptions = { identity: ME, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function record(fields: Partial<LeaseRecord> = {}): LeaseRecord {
  return {
    holderIdentity: OTHER,
    leaseDurationSeconds: 15,
    acquireTimeMs: WALL - 60_000,
    renewTimeMs: WALL - 1_000,
    leaseTransitions: 3,
    resourceVersion: '100',
    ...fields,
  };
}

const found = (fields: Partial<LeaseRecord> = {}): LeaseRead => ({ kind: 'found', record: record(fields) });

/** A state that saw `rv` first at `seenAtMs`, leading until `leadingUntilMs` if given. */
function seen(fields: Partial<LeaseRecord>, seenAtMs: number, leadingUntilMs?: number): ElectionState {
  return { observed: { record: record(fields), atMs: seenAtMs }, leadingUntilMs };
}

interface Row {
  name: string;
  state?: ElectionState;
  nowMs: number;
  read: LeaseRead;
  reason: ElectionReason;
  action: ElectionAction['kind'];
  /** Expected fields of the claim written (create or update). */
  claim?: { holderIdentity: string; acquireTimeMs: number; leaseTransitions: number };
  resourceVersion?: string;
  nextStepInMs: number;
  leadingAfter: boolean;
}

function check(row: Row): void {
  const step = elect(row.state ?? createElectionState(), { nowMs: row.nowMs, wallMs: WALL, read: row.read }, options);
  expect({ reason: step.reason, action: step.action.kind, nextStepInMs: step.nextStepInMs }).toEqual({
    reason: row.reason,
    action: row.action,
    nextStepInMs: row.nextStepInMs,
  });
  if (row.claim !== undefined) {
    expect(step.action.kind).not.toBe('wait');
    if (step.action.kind === 'wait') return;
    expect(step.action.claim).toEqual({ ...row.claim, leaseDurationSeconds: 15, renewTimeMs: WALL });
    if (step.action.kind === 'update') expect(step.action.resourceVersion).toBe(row.resourceVersion);
  }
  expect(isLeading(step.state, row.nowMs)).toBe(row.leadingAfter);
}

describe('elect: one look at the Lease', () => {
  const rows: Row[] = [
    {
      name: 'no Lease yet: create it, holding it from now, no transitions',
      nowMs: 0,
      read: { kind: 'missing' },
      reason: 'lease-missing',
      action: 'create',
      claim: { holderIdentity: ME, acquireTimeMs: WALL, leaseTransitions: 0 },
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: 'we hold it: renew, keeping the acquire time and the transitions, conditional on its version',
      state: seen({ holderIdentity: ME, resourceVersion: '100' }, 0, 10_000),
      nowMs: 2_000,
      read: found({ holderIdentity: ME, resourceVersion: '100' }),
      reason: 'renew',
      action: 'update',
      claim: { holderIdentity: ME, acquireTimeMs: WALL - 60_000, leaseTransitions: 3 },
      resourceVersion: '100',
      nextStepInMs: 2_000,
      leadingAfter: true,
    },
    {
      name: 'another holds it and we just saw it change: wait, until its claim would run out at the latest',
      nowMs: 50_000,
      read: found({ resourceVersion: '101' }),
      reason: 'held',
      action: 'wait',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: 'another holds it, unchanged for 14 s of a 15 s claim: look again when it runs out (1 s), not after the retry period',
      state: seen({ resourceVersion: '101' }, 36_000),
      nowMs: 50_000,
      read: found({ resourceVersion: '101' }),
      reason: 'held',
      action: 'wait',
      nextStepInMs: 1_000,
      leadingAfter: false,
    },
    {
      name: 'another holds it, unchanged for the whole claim: take it over, one more transition',
      state: seen({ resourceVersion: '101' }, 35_000),
      nowMs: 50_000,
      read: found({ resourceVersion: '101' }),
      reason: 'expired',
      action: 'update',
      claim: { holderIdentity: ME, acquireTimeMs: WALL, leaseTransitions: 4 },
      resourceVersion: '101',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: 'a renewal we had not seen restarts the count: the claim runs from now, whatever renewTime says',
      state: seen({ resourceVersion: '101' }, 10_000),
      nowMs: 50_000,
      read: found({ resourceVersion: '102', renewTimeMs: WALL - 3_600_000 }),
      reason: 'held',
      action: 'wait',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: "the holder's own duration counts: 60 s written, unchanged for 20 s, is still held",
      state: seen({ resourceVersion: '101', leaseDurationSeconds: 60 }, 30_000),
      nowMs: 50_000,
      read: found({ resourceVersion: '101', leaseDurationSeconds: 60 }),
      reason: 'held',
      action: 'wait',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: 'a Lease without a duration: ours (15 s) counts',
      state: seen({ resourceVersion: '101', leaseDurationSeconds: undefined }, 30_000),
      nowMs: 50_000,
      read: found({ resourceVersion: '101', leaseDurationSeconds: undefined }),
      reason: 'expired',
      action: 'update',
      claim: { holderIdentity: ME, acquireTimeMs: WALL, leaseTransitions: 4 },
      resourceVersion: '101',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: 'released (no holder): take it at once',
      nowMs: 50_000,
      read: found({ holderIdentity: '', resourceVersion: '103' }),
      reason: 'released',
      action: 'update',
      claim: { holderIdentity: ME, acquireTimeMs: WALL, leaseTransitions: 4 },
      resourceVersion: '103',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: 'another took it while we thought we led: we stop leading at once',
      state: seen({ holderIdentity: ME, resourceVersion: '100' }, 40_000, 50_000),
      nowMs: 45_000,
      read: found({ holderIdentity: OTHER, resourceVersion: '104' }),
      reason: 'held',
      action: 'wait',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
    {
      name: 'the read failed while leading: still leading, until the deadline',
      state: seen({ holderIdentity: ME }, 40_000, 50_000),
      nowMs: 45_000,
      read: { kind: 'failed', message: 'connect ECONNREFUSED' },
      reason: 'read-failed',
      action: 'wait',
      nextStepInMs: 2_000,
      leadingAfter: true,
    },
    {
      name: 'the read failed past the deadline: not leading',
      state: seen({ holderIdentity: ME }, 40_000, 50_000),
      nowMs: 50_000,
      read: { kind: 'failed', message: 'connect ECONNREFUSED' },
      reason: 'read-failed',
      action: 'wait',
      nextStepInMs: 2_000,
      leadingAfter: false,
    },
  ];
  it.each(rows)('$name', check);

  it('never changes the state it is given', () => {
    const state = seen({ resourceVersion: '101' }, 35_000);
    const copy = structuredClone(state);
    elect(state, { nowMs: 50_000, wallMs: WALL, read: found({ resourceVersion: '102' }) }, options);
    expect(state).toEqual(copy);
  });
});

describe('afterWrite: what a write means for leadership', () => {
  const mine = record({ holderIdentity: ME, resourceVersion: '200' });
  const rows: Array<{ name: string; state: ElectionState; result: LeaseWriteResult; leadingUntilMs: number | undefined }> = [
    {
      name: 'written as holder: leading until the renew deadline, counted from when the write was sent',
      state: createElectionState(),
      result: { kind: 'written', record: mine },
      leadingUntilMs: 7_000 + 10_000,
    },
    {
      name: 'a conflict: another wrote first, not leading any more',
      state: seen({ holderIdentity: ME }, 0, 15_000),
      result: { kind: 'conflict', message: 'the object has been modified' },
      leadingUntilMs: undefined,
    },
    {
      name: 'a failed write: the old deadline stands and runs out by itself',
      state: seen({ holderIdentity: ME }, 0, 15_000),
      result: { kind: 'failed', message: '503' },
      leadingUntilMs: 15_000,
    },
    {
      name: 'a release written: not leading',
      state: seen({ holderIdentity: ME }, 0, 15_000),
      result: { kind: 'written', record: record({ holderIdentity: '', resourceVersion: '201' }) },
      leadingUntilMs: undefined,
    },
  ];
  it.each(rows)('$name', ({ state, result, leadingUntilMs }) => {
    expect(afterWrite(state, 7_000, result, options).leadingUntilMs).toBe(leadingUntilMs);
  });

  it('remembers its own write as seen, so the next renewal is conditional on the new version', () => {
    const state = afterWrite(createElectionState(), 7_000, { kind: 'written', record: mine }, options);
    const next = elect(state, { nowMs: 9_000, wallMs: WALL, read: { kind: 'found', record: mine } }, options);
    expect(next.action).toMatchObject({ kind: 'update', resourceVersion: '200' });
  });
});

describe('leadership ends before anyone else may take over', () => {
  it('a leader whose renewals stop is done leaseDuration − renewDeadline before a follower that saw its last renewal may take over', () => {
    const follower = { ...options, identity: OTHER };
    // The leader sends its last successful renewal at t = 1000; the follower sees it at t = 1500.
    const leader = afterWrite(createElectionState(), 1_000, { kind: 'written', record: record({ holderIdentity: ME, resourceVersion: '300' }) }, options);
    let watcher = elect(createElectionState(), { nowMs: 1_500, wallMs: WALL, read: found({ holderIdentity: ME, resourceVersion: '300' }) }, follower).state;
    let takeoverAtMs: number | undefined;
    for (let t = 1_500; t <= 30_000 && takeoverAtMs === undefined; t += 100) {
      const step = elect(watcher, { nowMs: t, wallMs: WALL, read: found({ holderIdentity: ME, resourceVersion: '300' }) }, follower);
      watcher = step.state;
      if (step.action.kind === 'update') takeoverAtMs = t;
    }
    const lastLeadingMs = [...Array(30_000).keys()].filter((t) => isLeading(leader, t)).at(-1);
    expect(takeoverAtMs).toBe(1_500 + 15_000);
    expect(lastLeadingMs).toBe(1_000 + 10_000 - 1);
    expect(takeoverAtMs! - lastLeadingMs!).toBeGreaterThanOrEqual(options.leaseDurationMs - options.renewDeadlineMs);
  });
});

describe('releaseAction', () => {
  it('hands back a Lease we lead: no holder, 1 s, conditional on our last write', () => {
    const state = seen({ holderIdentity: ME, resourceVersion: '400' }, 0, 10_000);
    expect(releaseAction(state, 5_000, WALL, options)).toEqual({
      kind: 'update',
      claim: { holderIdentity: '', leaseDurationSeconds: 1, acquireTimeMs: WALL, renewTimeMs: WALL, leaseTransitions: 3 },
      resourceVersion: '400',
    });
  });

  it.each([
    { name: 'held by another', state: seen({ holderIdentity: OTHER }, 0) },
    { name: 'ours, but past the renew deadline (another may hold it by now)', state: seen({ holderIdentity: ME }, 0, 4_000) },
    { name: 'never seen', state: createElectionState() },
  ])('does nothing when the Lease is $name', ({ state }) => {
    expect(releaseAction(state, 5_000, WALL, options)).toBeUndefined();
  });
});

describe('validateLeaderElectionOptions', () => {
  it('accepts the defaults', () => {
    expect(validateLeaderElectionOptions(options)).toEqual([]);
  });

  it.each([
    { name: 'a lease duration that is not whole seconds', change: { leaseDurationMs: 15_500 }, problem: /leaseDurationMs must be a whole number of seconds/ },
    { name: 'a renew deadline as long as the lease', change: { renewDeadlineMs: 15_000 }, problem: /renewDeadlineMs must be shorter than leaseDurationMs/ },
    { name: 'a retry period too close to the renew deadline', change: { retryPeriodMs: 9_000 }, problem: /retryPeriodMs must be under renewDeadlineMs \/ 1\.2/ },
    { name: 'an empty identity', change: { identity: ' ' }, problem: /identity must not be empty/ },
  ])('rejects $name', ({ change, problem }) => {
    const problems = validateLeaderElectionOptions({ ...options, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });
});
