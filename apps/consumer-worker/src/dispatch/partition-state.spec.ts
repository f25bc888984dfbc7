import { describe, expect, it } from 'vitest';
import { PartitionState } from './partition-state.js';

const marks = { highWaterMark: 3, lowWaterMark: 1 };

function taken(offsets: number[], bytes = 10): PartitionState {
  const part = new PartitionState('t', 0);
  for (const offset of offsets) part.take(offset, bytes);
  return part;
}

describe('PartitionState', () => {
  it('reports the moves of its uncommitted counts since its last report', () => {
    const part = taken([0, 1, 2]);
    expect(part.update(marks, false)).toEqual({ uncommittedRecords: 3, uncommittedBytes: 30, pause: undefined });
    expect(part.update(marks, false)).toEqual({ uncommittedRecords: 0, uncommittedBytes: 0, pause: undefined });
    part.complete(1);
    // done above an unfinished record: still uncommitted
    expect(part.update(marks, false)).toMatchObject({ uncommittedRecords: 0, uncommittedBytes: 0 });
    part.complete(0);
    expect(part.update(marks, false)).toMatchObject({ uncommittedRecords: -2, uncommittedBytes: -20 });
    expect({ pending: part.pendingRecords, uncommitted: part.uncommittedRecords }).toEqual({ pending: 1, uncommitted: 1 });
  });

  const pauseRows: Array<{ name: string; offsets: number[]; complete: number[]; totalOver: boolean; changes: Array<'pause' | 'resume' | undefined> }> = [
    { name: 'over the high mark pauses once', offsets: [0, 1, 2, 3], complete: [], totalOver: false, changes: ['pause', undefined] },
    { name: 'at the high mark stays running', offsets: [0, 1, 2], complete: [], totalOver: false, changes: [undefined, undefined] },
    { name: 'the total bound pauses below the marks', offsets: [0], complete: [], totalOver: true, changes: ['pause', undefined] },
    { name: 'below the low mark resumes', offsets: [0, 1, 2, 3], complete: [0, 1, 2, 3], totalOver: false, changes: ['pause', 'resume'] },
  ];
  it.each(pauseRows)('pause: $name', ({ offsets, complete, totalOver, changes }) => {
    const part = taken(offsets);
    const seen = [part.update(marks, totalOver).pause];
    for (const offset of complete) part.complete(offset);
    seen.push(part.update(marks, totalOver).pause);
    expect(seen).toEqual(changes);
  });

  it('applies a new state of the total bound without counting again', () => {
    const part = taken([0]);
    part.update(marks, false);
    expect([part.applyTotal(true), part.applyTotal(true), part.applyTotal(false)]).toEqual(['pause', undefined, 'resume']);
    expect(part.update(marks, false)).toEqual({ uncommittedRecords: 0, uncommittedBytes: 0, pause: undefined });
  });

  it('when revoked, returns what it held and completes, pauses and commits nothing more', () => {
    const part = taken([0, 1, 2, 3]);
    part.update(marks, false);
    expect(part.revoke()).toEqual({ uncommittedRecords: 4, uncommittedBytes: 40, wasPaused: true });
    expect(part.revoked).toBe(true);
    expect(part.complete(0)).toBe(false);
    expect(part.applyTotal(true)).toBeUndefined();
  });

  it('commits its completed prefix once, and counts the offsets taken past the last commit', () => {
    const part = taken([0, 1, 2]);
    part.skipThrough(4);
    expect(part.commitOffset()).toBeUndefined();
    expect(part.commitLag).toBe(0);
    part.complete(0);
    expect(part.commitOffset()).toBe(1);
    part.markCommitted(1);
    expect(part.commitOffset()).toBeUndefined();
    // next to fetch (5, past the skipped markers) − committed (1)
    expect(part.commitLag).toBe(4);
    part.complete(1);
    part.complete(2);
    expect(part.commitOffset()).toBe(5);
  });
});
