import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { lagOf, parseOffset, partitionLag, summarizeLag, type OffsetResetPolicy, type PartitionOffsetsInput } from './lag.js';

describe('partitionLag', () => {
  const rows: Array<{ name: string; input: PartitionOffsetsInput; reset: OffsetResetPolicy; lag: number; hasCommit: boolean; outOfRange: boolean }> = [
    { name: 'committed behind end', input: { partition: 0, start: 0, end: 100, committed: 40 }, reset: 'earliest', lag: 60, hasCommit: true, outOfRange: false },
    { name: 'caught up', input: { partition: 0, start: 0, end: 100, committed: 100 }, reset: 'earliest', lag: 0, hasCommit: true, outOfRange: false },
    { name: 'commit ahead of end never negative', input: { partition: 0, start: 0, end: 100, committed: 120 }, reset: 'latest', lag: 0, hasCommit: true, outOfRange: true },
    { name: 'commit below log start still end − committed', input: { partition: 0, start: 50, end: 100, committed: 10 }, reset: 'earliest', lag: 90, hasCommit: true, outOfRange: true },
    { name: 'reset policy ignored once committed', input: { partition: 0, start: 0, end: 100, committed: 30 }, reset: 'latest', lag: 70, hasCommit: true, outOfRange: false },
    { name: 'no commit, earliest: end − start', input: { partition: 1, start: 20, end: 100, committed: null }, reset: 'earliest', lag: 80, hasCommit: false, outOfRange: false },
    { name: 'no commit, earliest, empty log', input: { partition: 1, start: 0, end: 0, committed: null }, reset: 'earliest', lag: 0, hasCommit: false, outOfRange: false },
    { name: 'no commit, latest: 0', input: { partition: 2, start: 20, end: 100, committed: null }, reset: 'latest', lag: 0, hasCommit: false, outOfRange: false },
    { name: 'committed zero is a commit', input: { partition: 3, start: 0, end: 5, committed: 0 }, reset: 'latest', lag: 5, hasCommit: true, outOfRange: false },
  ];
  it.each(rows)('$name', ({ input, reset, lag, hasCommit, outOfRange }) => {
    const result = partitionLag(input, reset);
    expect(result.lag).toBe(lag);
    expect(result.hasCommit).toBe(hasCommit);
    expect(result.commitOutOfRange).toBe(outOfRange);
    expect(Number.isNaN(result.lag)).toBe(false);
    // The same lag from bare numbers, NaN standing for no commit (lag-monitor's columns).
    expect(lagOf(input.start, input.end, input.committed ?? Number.NaN, reset)).toBe(lag);
  });
});

describe('summarizeLag', () => {
  it('sums lag, counts uncommitted partitions and sorts by partition', () => {
    const summary = summarizeLag(
      [
        { partition: 2, start: 0, end: 10, committed: null },
        { partition: 0, start: 0, end: 100, committed: 90 },
        { partition: 1, start: 5, end: 50, committed: 50 },
      ],
      'earliest',
    );
    expect(summary.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(summary.partitions.map((p) => p.lag)).toEqual([10, 0, 10]);
    expect(summary.totalLag).toBe(20);
    expect(summary.uncommittedPartitions).toBe(1);
    expect(summary.partitionsWithLag).toBe(2);
  });

  it('is zero for no partitions', () => {
    expect(summarizeLag([], 'latest')).toEqual({ totalLag: 0, partitions: [], uncommittedPartitions: 0, partitionsWithLag: 0 });
  });
});

describe('parseOffset', () => {
  it.each([
    { raw: '0', expected: 0 },
    { raw: '12345', expected: 12345 },
    { raw: '-1', expected: null },
    { raw: 42, expected: 42 },
  ])('parses $raw', ({ raw, expected }) => {
    expect(parseOffset(raw)).toBe(expected);
  });

  it.each(['abc', '', '-2', '1.5', '99999999999999999999'])('rejects %s with OFFSET_INVALID', (raw) => {
    const attempt = () => parseOffset(raw);
    expect(attempt).toThrow(AppError);
    try {
      attempt();
    } catch (err) {
      expect((err as AppError).code).toBe('OFFSET_INVALID');
    }
  });
});
