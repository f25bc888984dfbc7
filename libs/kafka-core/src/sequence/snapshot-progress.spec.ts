import { describe, expect, it } from 'vitest';
import { SnapshotProgress } from './snapshot-progress.js';

describe('SnapshotProgress', () => {
  it('is done from the outset when every partition is empty, whatever its log start', () => {
    const progress = new SnapshotProgress([
      { partition: 0, start: 0, end: 0 },
      { partition: 1, start: 50, end: 50 },
    ]);
    expect(progress.done).toBe(true);
    expect(progress.records).toBe(0);
    expect(progress.behind()).toEqual([]);
  });

  it('starts at the log start and finishes each partition at its end', () => {
    const progress = new SnapshotProgress([
      { partition: 1, start: 10, end: 30 },
      { partition: 0, start: 0, end: 5 },
      { partition: 2, start: 7, end: 7 },
    ]);
    expect(progress.records).toBe(25);
    expect(progress.get(1)?.position).toBe(10);
    expect(progress.behind().map((p) => p.partition)).toEqual([0, 1]);

    const steps: Array<{ partition: number; next: number; position: number | undefined; done: boolean }> = [
      { partition: 0, next: 5, position: 5, done: false },
      { partition: 1, next: 20, position: 20, done: false },
      { partition: 1, next: 15, position: 20, done: false }, // never moves back
      { partition: 9, next: 100, position: undefined, done: false }, // a partition added later is ignored
      { partition: 1, next: 99, position: 30, done: true }, // never past the end
      { partition: 1, next: 120, position: 30, done: true },
    ];
    for (const step of steps) {
      progress.advance(step.partition, step.next);
      expect(progress.get(step.partition)?.position).toBe(step.position);
      expect(progress.done).toBe(step.done);
    }
  });
});
