import { describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../pool/executor.js';
import { RecordArena } from '../pool/record-arena.js';
import { Entry, EntryBatch } from './entry.js';
import { PartitionState } from './partition-state.js';
import { failedAttempt, planCrash, planOutcomes, rerunDelayMs, type RecoveryPlan } from './recovery.js';

const part = new PartitionState('t', 0);
const arena = RecordArena.copyOf([]);
const entries = (count: number, attempt = 1) => Array.from({ length: count }, (_, offset) => new Entry(new EntryBatch(part, arena, 0), offset, 0, attempt));

const ok: RecordOutcome = { status: 'ok', outputs: [] };
const out: RecordOutcome = { status: 'ok', outputs: [{ key: null, value: Buffer.from('x'), headers: {} }] };
const failed: RecordOutcome = { status: 'failed', error: 'boom' };
const skipped: RecordOutcome = { status: 'skipped' };
const undecodable: RecordOutcome = { status: 'undecodable', error: 'bad json' };
const rejected: RecordOutcome = { status: 'rejected', error: 'not a user event' };

/** A plan by offsets: what is produced, dead-lettered (with why), run again (r: retry, o: re-run). */
function summary(plan: RecoveryPlan) {
  return {
    produce: plan.produce.map((p) => p.entry.offset),
    deadLetter: plan.deadLetter.map((d) => `${d.entry.offset}: ${d.reason}`),
    rerun: plan.rerun.map((r) => `${r.entry.offset}${r.retry ? 'r' : 'o'}`),
  };
}

describe('planOutcomes', () => {
  const rows: Array<{ name: string; outcomes: RecordOutcome[]; attempt?: number; expected: ReturnType<typeof summary> }> = [
    { name: 'all ran: every one produced', outcomes: [ok, out], expected: { produce: [0, 1], deadLetter: [], rerun: [] } },
    { name: 'undecodable: dead-lettered at once, the others go on', outcomes: [out, undecodable, out], expected: { produce: [0, 2], deadLetter: ['1: undecodable: bad json'], rerun: [] } },
    {
      name: 'rejected (not retriable) on its first attempt: dead-lettered at once, never retried, the others go on',
      outcomes: [rejected, out],
      expected: { produce: [1], deadLetter: ['0: not retriable: not a user event'], rerun: [] },
    },
    { name: 'a failure stops the group: it retries, the later ones re-run', outcomes: [out, failed, out, skipped], expected: { produce: [0], deadLetter: [], rerun: ['1r', '2o', '3o'] } },
    { name: 'out of attempts: the failed one is dead-lettered, the later ones re-run', outcomes: [failed, skipped], attempt: 3, expected: { produce: [], deadLetter: ['0: boom'], rerun: ['1o'] } },
    { name: 'skipped with nothing failed: re-run without an attempt', outcomes: [ok, skipped], expected: { produce: [0], deadLetter: [], rerun: ['1o'] } },
  ];
  it.each(rows)('$name', ({ outcomes, attempt, expected }) => {
    expect(summary(planOutcomes(entries(outcomes.length, attempt), outcomes, 3))).toEqual(expected);
  });
});

describe('planCrash', () => {
  it('runs every record again, and dead-letters one that crashed more than maxChunkCrashes times', () => {
    const group = entries(3);
    group.forEach((entry, i) => (entry.crashes = i + 1));
    expect(summary(planCrash(group, 'worker exited', 2))).toEqual({ produce: [], deadLetter: ['2: worker crashed 3 times running it: worker exited'], rerun: ['0o', '1o'] });
  });
});

describe('failedAttempt and rerunDelayMs', () => {
  it('retries until maxAttempts, then dead-letters', () => {
    expect(failedAttempt(entries(1, 2)[0] as Entry, 'refused', 3)).toMatchObject({ rerun: { retry: true } });
    expect(failedAttempt(entries(1, 3)[0] as Entry, 'refused', 3)).toMatchObject({ deadLetter: { reason: 'refused' } });
  });

  it('waits the longest backoff among the retries, and not at all for re-runs only', () => {
    const options = { retryBaseMs: 100, retryMaxMs: 10_000, retryJitterRatio: 0 };
    const [first, third] = [entries(1, 1)[0] as Entry, entries(1, 3)[0] as Entry];
    expect(rerunDelayMs([{ entry: first, retry: true }, { entry: third, retry: true }], options, () => 0)).toBe(400);
    expect(rerunDelayMs([{ entry: third, retry: false }], options, () => 0)).toBe(0);
  });
});
