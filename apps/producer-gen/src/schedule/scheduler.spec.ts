import { describe, expect, it } from 'vitest';
import type { RateProfile } from './rate-profile.js';
import { isDone, plannedRecords, recordsDue, type ScheduleLimits } from './scheduler.js';

const constant: RateProfile = { kind: 'constant', rate: 2_000 };
const spike: RateProfile = { kind: 'spike', base: 1_000, peak: 5_000, atMs: 10_000, durationMs: 5_000 };
const lateStep: RateProfile = { kind: 'step', steps: [{ atMs: 1_000, rate: 100 }] };
const fractional: RateProfile = {
  kind: 'step',
  steps: [
    { atMs: 0, rate: 0.1 },
    { atMs: 1_000, rate: 2.3 },
  ],
};
const hill: RateProfile = {
  kind: 'trace',
  points: [
    { atMs: 0, rate: 0 },
    { atMs: 2_000, rate: 1_000 },
    { atMs: 4_000, rate: 0 },
  ],
};

describe('recordsDue', () => {
  it.each<{ name: string; profile: RateProfile; elapsedMs: number; sent: number; limits?: ScheduleLimits; due: number }>([
    { name: 'nothing at the start', profile: constant, elapsedMs: 0, sent: 0, due: 0 },
    { name: 'nothing before the start', profile: constant, elapsedMs: -10, sent: 0, due: 0 },
    { name: '2 records after 1 ms at 2,000/s', profile: constant, elapsedMs: 1, sent: 0, due: 2 },
    { name: 'whole records only', profile: constant, elapsedMs: 1_000.4, sent: 0, due: 2_000 },
    { name: 'what is not yet sent', profile: constant, elapsedMs: 10, sent: 15, due: 5 },
    { name: 'never negative when ahead', profile: constant, elapsedMs: 10, sent: 25, due: 0 },
    { name: 'a backlog all at once', profile: constant, elapsedMs: 5_000, sent: 1_000, due: 9_000 },
    { name: 'spike: base plus the peak so far', profile: spike, elapsedMs: 11_000, sent: 10_000, due: 5_000 },
    { name: 'nothing before a late first step', profile: lateStep, elapsedMs: 500, sent: 0, due: 0 },
    { name: 'rounding does not cost a record', profile: fractional, elapsedMs: 4_000, sent: 0, due: 7 },
    { name: 'duration caps the time', profile: constant, elapsedMs: 12_000, sent: 19_990, limits: { durationMs: 10_000 }, due: 10 },
    { name: 'nothing past the duration once sent', profile: constant, elapsedMs: 12_000, sent: 20_000, limits: { durationMs: 10_000 }, due: 0 },
    { name: 'maxRecords caps the count', profile: constant, elapsedMs: 1_000, sent: 0, limits: { maxRecords: 500 }, due: 500 },
    { name: 'maxRecords leaves the rest', profile: constant, elapsedMs: 1_000, sent: 400, limits: { maxRecords: 500 }, due: 100 },
    { name: 'never negative past maxRecords', profile: constant, elapsedMs: 1_000, sent: 600, limits: { maxRecords: 500 }, due: 0 },
    { name: 'the tighter of both limits', profile: constant, elapsedMs: 60_000, sent: 0, limits: { maxRecords: 50_000, durationMs: 10_000 }, due: 20_000 },
  ])('$name → $due', ({ profile, elapsedMs, sent, limits, due }) => {
    expect(recordsDue(profile, elapsedMs, sent, limits)).toBe(due);
  });
});

describe('isDone', () => {
  it.each<{ name: string; profile: RateProfile; elapsedMs: number; sent: number; limits?: ScheduleLimits; done: boolean }>([
    { name: 'running', profile: constant, elapsedMs: 5_000, sent: 10_000, limits: { durationMs: 10_000 }, done: false },
    { name: 'duration over', profile: constant, elapsedMs: 10_000, sent: 20_000, limits: { durationMs: 10_000 }, done: true },
    { name: 'duration over even with a backlog', profile: constant, elapsedMs: 10_001, sent: 5, limits: { durationMs: 10_000 }, done: true },
    { name: 'maxRecords sent', profile: constant, elapsedMs: 100, sent: 500, limits: { maxRecords: 500 }, done: true },
    { name: 'maxRecords not yet sent', profile: constant, elapsedMs: 100, sent: 199, limits: { maxRecords: 500 }, done: false },
    { name: 'no limits, busy profile', profile: constant, elapsedMs: 1e9, sent: 2e9, done: false },
    { name: 'quiet profile with records left', profile: hill, elapsedMs: 5_000, sent: 1_500, done: false },
    { name: 'quiet profile, all sent', profile: hill, elapsedMs: 5_000, sent: 2_000, done: true },
    { name: 'profile not quiet yet', profile: hill, elapsedMs: 3_000, sent: 1_875, done: false },
  ])('$name → $done', ({ profile, elapsedMs, sent, limits, done }) => {
    expect(isDone(profile, elapsedMs, sent, limits)).toBe(done);
  });
});

describe('plannedRecords', () => {
  it.each<{ name: string; profile: RateProfile; limits: ScheduleLimits; planned: number }>([
    { name: 'rate × duration', profile: constant, limits: { durationMs: 10_000 }, planned: 20_000 },
    { name: 'maxRecords', profile: constant, limits: { maxRecords: 1_234 }, planned: 1_234 },
    { name: 'the smaller of both', profile: constant, limits: { maxRecords: 50_000, durationMs: 10_000 }, planned: 20_000 },
    { name: 'spike over its peak', profile: spike, limits: { durationMs: 20_000 }, planned: 40_000 },
    { name: 'a profile that ends by itself', profile: hill, limits: {}, planned: 2_000 },
    { name: 'unbounded', profile: constant, limits: {}, planned: Infinity },
  ])('$name → $planned', ({ profile, limits, planned }) => {
    expect(plannedRecords(profile, limits)).toBe(planned);
  });
});

describe('a tick loop (recordsDue, send, isDone)', () => {
  it.each<{ name: string; profile: RateProfile; limits: ScheduleLimits; tickMs: number }>([
    { name: 'constant 2,000/s for 10 s, 3 ms ticks', profile: constant, limits: { durationMs: 10_000 }, tickMs: 3 },
    { name: 'spike for 20 s, 7 ms ticks', profile: spike, limits: { durationMs: 20_000 }, tickMs: 7 },
    { name: 'hill trace to its end, 11 ms ticks', profile: hill, limits: {}, tickMs: 11 },
    { name: 'constant up to 1,000 records', profile: constant, limits: { maxRecords: 1_000 }, tickMs: 4 },
  ])('$name sends exactly plannedRecords', ({ profile, limits, tickMs }) => {
    let sent = 0;
    let elapsedMs = 0;
    for (;;) {
      const due = recordsDue(profile, elapsedMs, sent, limits);
      expect(due).toBeGreaterThanOrEqual(0);
      sent += due;
      if (isDone(profile, elapsedMs, sent, limits)) break;
      elapsedMs += tickMs;
    }
    expect(sent).toBe(plannedRecords(profile, limits));
  });
});
