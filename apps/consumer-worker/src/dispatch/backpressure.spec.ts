import { describe, expect, it } from 'vitest';
import { partitionOverMark, totalOverBound } from './backpressure.js';

describe('partitionOverMark', () => {
  const marks = { highWaterMark: 100, lowWaterMark: 50 };
  const rows: Array<{ name: string; uncommitted: number; wasOver: boolean; over: boolean }> = [
    { name: 'below high stays running', uncommitted: 100, wasOver: false, over: false },
    { name: 'past high pauses', uncommitted: 101, wasOver: false, over: true },
    { name: 'paused between marks stays paused', uncommitted: 75, wasOver: true, over: true },
    { name: 'paused at the low mark stays paused', uncommitted: 50, wasOver: true, over: true },
    { name: 'paused below low resumes', uncommitted: 49, wasOver: true, over: false },
    { name: 'running between marks stays running', uncommitted: 75, wasOver: false, over: false },
  ];
  it.each(rows)('$name', ({ uncommitted, wasOver, over }) => {
    expect(partitionOverMark(uncommitted, wasOver, marks)).toBe(over);
  });
});

describe('totalOverBound', () => {
  const bounds = { maxUncommittedRecords: 1_000, maxUncommittedBytes: 10_000 };
  const rows: Array<{ name: string; records: number; bytes: number; wasOver: boolean; over: boolean }> = [
    { name: 'under both', records: 1_000, bytes: 10_000, wasOver: false, over: false },
    { name: 'records over', records: 1_001, bytes: 0, wasOver: false, over: true },
    { name: 'bytes over', records: 1, bytes: 10_001, wasOver: false, over: true },
    { name: 'paused, records not yet under 75 %', records: 800, bytes: 0, wasOver: true, over: true },
    { name: 'paused, bytes not yet under 75 %', records: 0, bytes: 7_600, wasOver: true, over: true },
    { name: 'paused, both under 75 % resumes', records: 750, bytes: 7_500, wasOver: true, over: false },
  ];
  it.each(rows)('$name', ({ records, bytes, wasOver, over }) => {
    expect(totalOverBound(records, bytes, wasOver, bounds)).toBe(over);
  });
});
