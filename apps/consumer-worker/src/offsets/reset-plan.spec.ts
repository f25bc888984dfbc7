import { describe, expect, it } from 'vitest';
import { missingPartitions, parseDatetime, parseSelection, planReset, resetSpecFromFlags, type PartitionOffsets, type ResetSpec } from './reset-plan.js';

const p = (over: Partial<PartitionOffsets>): PartitionOffsets => ({ topic: 't', partition: 0, start: 10, end: 20, committed: 15, ...over });

describe('planReset', () => {
  const rows: Array<{ name: string; partition: Partial<PartitionOffsets>; spec: ResetSpec; target: number; reprocess: number; skip: number }> = [
    { name: 'earliest is the log start', partition: {}, spec: { kind: 'earliest' }, target: 10, reprocess: 5, skip: 0 },
    { name: 'latest is the log end', partition: {}, spec: { kind: 'latest' }, target: 20, reprocess: 0, skip: 5 },
    { name: 'an offset inside the log', partition: {}, spec: { kind: 'offset', offset: 12 }, target: 12, reprocess: 3, skip: 0 },
    { name: 'an offset below the log start clamps up', partition: {}, spec: { kind: 'offset', offset: 3 }, target: 10, reprocess: 5, skip: 0 },
    { name: 'an offset past the end clamps down', partition: {}, spec: { kind: 'offset', offset: 99 }, target: 20, reprocess: 0, skip: 5 },
    { name: 'shift back', partition: {}, spec: { kind: 'shift', by: -2 }, target: 13, reprocess: 2, skip: 0 },
    { name: 'shift back past the start', partition: {}, spec: { kind: 'shift', by: -50 }, target: 10, reprocess: 5, skip: 0 },
    { name: 'shift forward past the end', partition: {}, spec: { kind: 'shift', by: 50 }, target: 20, reprocess: 0, skip: 5 },
    { name: 'a time with a record', partition: { offsetForTime: 17 }, spec: { kind: 'datetime', timestampMs: 1 }, target: 17, reprocess: 0, skip: 2 },
    { name: 'a time after every record is the end', partition: { offsetForTime: null }, spec: { kind: 'datetime', timestampMs: 1 }, target: 20, reprocess: 0, skip: 5 },
    { name: 'no commit yet: nothing to reprocess or skip', partition: { committed: null }, spec: { kind: 'earliest' }, target: 10, reprocess: 0, skip: 0 },
  ];
  it.each(rows)('$name', ({ partition, spec, target, reprocess, skip }) => {
    const [plan] = planReset([p(partition)], spec);
    expect(plan).toMatchObject({ target, reprocess, skip, lagAfter: 20 - target });
  });

  it('refuses to shift a partition the group never committed on, naming it', () => {
    expect(() => planReset([p({ partition: 3, committed: null })], { kind: 'shift', by: 1 })).toThrow(/cannot shift t:3: the group has no committed offset/);
  });
});

describe('reset flags', () => {
  it('takes exactly one reset, or none to show', () => {
    expect(resetSpecFromFlags({})).toBeNull();
    expect(resetSpecFromFlags({ shiftBy: '-3' })).toEqual({ kind: 'shift', by: -3 });
    expect(resetSpecFromFlags({ toOffset: '0' })).toEqual({ kind: 'offset', offset: 0 });
    expect(() => resetSpecFromFlags({ toEarliest: true, toLatest: true })).toThrow(/give one of .*got --to-earliest, --to-latest/);
    expect(() => resetSpecFromFlags({ toOffset: '-1' })).toThrow(/--to-offset must be an integer ≥ 0 \(got "-1"\)/);
    expect(() => resetSpecFromFlags({ shiftBy: 'back' })).toThrow(/--shift-by must be an integer/);
  });

  it('reads datetimes as Kafka does: ISO 8601 with a zone, local time without, or epoch ms', () => {
    expect(parseDatetime('2026-01-01T12:00:00.000Z')).toBe(Date.UTC(2026, 0, 1, 12));
    expect(parseDatetime('2026-01-01T12:00:00.000+02:00')).toBe(Date.UTC(2026, 0, 1, 10));
    expect(parseDatetime('2026-01-01T12:00:00.000+0200')).toBe(Date.UTC(2026, 0, 1, 10));
    expect(parseDatetime('2026-01-01T12:00:00')).toBe(new Date(2026, 0, 1, 12).getTime());
    expect(parseDatetime('1767268800000')).toBe(1_767_268_800_000);
    expect(() => parseDatetime('yesterday')).toThrow(/--to-datetime must be an ISO 8601 time/);
  });
});

describe('partition selection', () => {
  it('reads topic, topic:partitions and --partitions as Kafka’s --topic does', () => {
    expect(parseSelection(['a', 'b:2,0', 'b:1'])).toEqual(new Map([['a', null], ['b', [0, 1, 2]]]));
    expect(parseSelection(['a', 'b:3'], '0,1')).toEqual(new Map([['a', [0, 1]], ['b', [3]]]));
    expect(() => parseSelection(['a:x'])).toThrow(/--topic a:… must list partition numbers/);
    expect(() => parseSelection([':1'])).toThrow(/--topic needs a topic name/);
  });

  it('names the partitions a topic does not have', () => {
    expect(missingPartitions(new Map([['a', [0, 5]], ['b', null]]), new Map([['a', [0, 1]], ['b', [0]]]))).toEqual(['a:5']);
  });
});
