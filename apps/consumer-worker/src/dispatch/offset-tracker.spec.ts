import { describe, expect, it } from 'vitest';
import { OffsetTracker } from './offset-tracker.js';

describe('OffsetTracker', () => {
  const rows: Array<{ name: string; added: number[]; completed: number[]; committable: number | undefined; pending: number }> = [
    { name: 'nothing added', added: [], completed: [], committable: undefined, pending: 0 },
    { name: 'nothing completed yet', added: [0, 1, 2], completed: [], committable: undefined, pending: 3 },
    { name: 'all complete in order', added: [0, 1, 2], completed: [0, 1, 2], committable: 3, pending: 0 },
    { name: 'out of order, prefix complete', added: [0, 1, 2, 3], completed: [2, 0, 1], committable: 3, pending: 1 },
    { name: 'slow record at k holds the commit at k', added: [10, 11, 12, 13, 14], completed: [10, 13, 14, 11], committable: 12, pending: 1 },
    { name: 'slow record at the very start commits nothing', added: [5, 6, 7], completed: [6, 7], committable: undefined, pending: 1 },
    { name: 'gap between tracked offsets is skipped', added: [5, 8, 9], completed: [5], committable: 8, pending: 2 },
    { name: 'gap then all complete', added: [5, 8, 20], completed: [20, 8, 5], committable: 21, pending: 0 },
    { name: 'completing an untracked offset is ignored', added: [1, 3], completed: [2, 4, 0, 1], committable: 3, pending: 1 },
    { name: 'double completion counts once', added: [1, 2, 3], completed: [2, 2, 1], committable: 3, pending: 1 },
  ];
  it.each(rows)('$name', ({ added, completed, committable, pending }) => {
    const tracker = new OffsetTracker();
    for (const offset of added) tracker.add(offset);
    for (const offset of completed) tracker.complete(offset);
    expect(tracker.committable()).toBe(committable);
    expect(tracker.pending).toBe(pending);
  });

  it('counts the uncommitted records and their bytes, done or not, until the prefix before them completes', () => {
    const tracker = new OffsetTracker();
    [10, 20, 30, 40].forEach((bytes, i) => tracker.add(i, bytes));
    tracker.complete(1);
    tracker.complete(2);
    expect({ pending: tracker.pending, uncommitted: tracker.uncommitted, bytes: tracker.uncommittedBytes }).toEqual({ pending: 2, uncommitted: 4, bytes: 100 });
    tracker.complete(0);
    expect({ pending: tracker.pending, uncommitted: tracker.uncommitted, bytes: tracker.uncommittedBytes }).toEqual({ pending: 1, uncommitted: 1, bytes: 40 });
    tracker.complete(3);
    expect({ pending: tracker.pending, uncommitted: tracker.uncommitted, bytes: tracker.uncommittedBytes }).toEqual({ pending: 0, uncommitted: 0, bytes: 0 });
  });

  it('moves past the finished records once the slow one finishes', () => {
    const tracker = new OffsetTracker();
    for (let offset = 0; offset < 100; offset += 1) tracker.add(offset);
    for (let offset = 0; offset < 100; offset += 1) if (offset !== 40) tracker.complete(offset);
    expect(tracker.committable()).toBe(40);
    tracker.complete(40);
    expect(tracker.committable()).toBe(100);
    expect(tracker.pending).toBe(0);
  });

  it.each([
    { name: 'duplicate offset', first: [1, 2], then: 2, accepted: false },
    { name: 'lower offset', first: [5], then: 3, accepted: false },
    { name: 'higher offset', first: [5], then: 9, accepted: true },
  ])('add of a $name returns $accepted', ({ first, then, accepted }) => {
    const tracker = new OffsetTracker();
    for (const offset of first) tracker.add(offset);
    expect(tracker.add(then)).toBe(accepted);
  });

  it.each([{ offset: -1 }, { offset: 1.5 }, { offset: Number.NaN }])('rejects offset $offset with OFFSET_INVALID', ({ offset }) => {
    expect(() => new OffsetTracker().add(offset)).toThrow(expect.objectContaining({ code: 'OFFSET_INVALID' }));
  });

  const commitRows: Array<{ name: string; completeThrough: number; marks: number[]; needsCommit: boolean; lastCommitted: number | undefined }> = [
    { name: 'never committed, progress made', completeThrough: 3, marks: [], needsCommit: true, lastCommitted: undefined },
    { name: 'committed what is committable', completeThrough: 3, marks: [4], needsCommit: false, lastCommitted: 4 },
    { name: 'committed an older offset', completeThrough: 3, marks: [2], needsCommit: true, lastCommitted: 2 },
    { name: 'a stale mark never moves back', completeThrough: 3, marks: [4, 2], needsCommit: false, lastCommitted: 4 },
  ];
  it.each(commitRows)('commit bookkeeping: $name', ({ completeThrough, marks, needsCommit, lastCommitted }) => {
    const tracker = new OffsetTracker();
    for (let offset = 0; offset < 10; offset += 1) tracker.add(offset);
    for (let offset = 0; offset <= completeThrough; offset += 1) tracker.complete(offset);
    for (const mark of marks) tracker.markCommitted(mark);
    expect(tracker.needsCommit).toBe(needsCommit);
    expect(tracker.lastCommitted).toBe(lastCommitted);
  });

  it('matches a naive model under random completion with gaps and growth', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const tracker = new OffsetTracker();
    const outstanding: number[] = [];
    const all: number[] = [];
    let next = 0;
    for (let step = 0; step < 20_000; step += 1) {
      if (outstanding.length === 0 || random() < 0.55) {
        next += random() < 0.1 ? 3 : 1;
        tracker.add(next);
        outstanding.push(next);
        all.push(next);
      } else {
        const [offset] = outstanding.splice(Math.floor(random() * outstanding.length), 1);
        tracker.complete(offset as number);
      }
      // Appends are increasing and removals keep order, so the first outstanding is the lowest.
      const lowestOpen = outstanding[0];
      const firstDone = lowestOpen !== all[0];
      const expected = !firstDone ? undefined : lowestOpen ?? next + 1;
      // Checked at every step; compared plainly (40,000 expect() calls took seconds on a busy
      // machine) and the first step that differs is reported whole.
      const seen = { committable: tracker.committable(), pending: tracker.pending };
      if (seen.committable !== expected || seen.pending !== outstanding.length) {
        expect({ step, ...seen }).toEqual({ step, committable: expected, pending: outstanding.length });
      }
    }
  });

  it('moves the committable offset past markers skipped after the last record, once the records are done', () => {
    const tracker = new OffsetTracker();
    tracker.add(10);
    tracker.add(11);
    tracker.skipThrough(12);
    expect(tracker.committable()).toBeUndefined();
    tracker.complete(11);
    expect(tracker.committable()).toBeUndefined();
    tracker.complete(10);
    expect(tracker.committable()).toBe(13);
    // a re-fetch of the marker is not tracked; a lower skip changes nothing
    expect(tracker.add(12)).toBe(false);
    tracker.skipThrough(5);
    expect(tracker.committable()).toBe(13);
    // markers alone (a fetch of nothing but a commit marker) make progress too
    const markersOnly = new OffsetTracker();
    markersOnly.skipThrough(3);
    expect(markersOnly.committable()).toBe(4);
    expect(markersOnly.needsCommit).toBe(true);
    expect(() => markersOnly.skipThrough(-1)).toThrow(/non-negative/);
  });

  it('handles a million records without slowing down', () => {
    const tracker = new OffsetTracker();
    const window = 1_000;
    for (let offset = 0; offset < 1_000_000; offset += 1) {
      tracker.add(offset);
      // Completes in reverse blocks, so the pending ring stays about one window deep.
      if (offset % window === window - 1) for (let back = offset; back > offset - window; back -= 1) tracker.complete(back);
    }
    expect(tracker.committable()).toBe(1_000_000);
  });
});
