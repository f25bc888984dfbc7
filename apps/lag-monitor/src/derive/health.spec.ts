import { describe, expect, it } from 'vitest';
import type { Health } from '../model/index.js';
import { healthCode, partitionHealth, worstHealth, type HealthInput } from './health.js';

const WINDOW_MS = 60_000;
// Five samples 15 s apart: the first exactly at the window's start, so the window is covered.
const FULL = [0, 15_000, 30_000, 45_000, 60_000];

interface Row {
  name: string;
  atMs?: number[];
  committed: (number | null)[];
  lag: number[];
  members?: number;
  minSamples?: number;
  health: Health;
  reason: RegExp;
}

const rows: Row[] = [
  { name: 'no samples', atMs: [], committed: [], lag: [], health: 'OK', reason: /no samples/ },
  { name: 'lag 0 now', committed: [10, 10, 10, 10, 10], lag: [5, 5, 5, 5, 0], health: 'OK', reason: /^no lag$/ },
  { name: 'lag 0 earlier in the window', committed: [10, 20, 30, 30, 30], lag: [5, 0, 8, 9, 10], health: 'OK', reason: /caught up 45 s ago/ },
  { name: 'lag 0 at the anchor counts', committed: [10, 10, 10, 10, 10], lag: [0, 1, 2, 3, 4], health: 'OK', reason: /caught up 60 s ago/ },
  {
    name: 'warming up: too few samples',
    atMs: [0, 60_000],
    committed: [10, 10],
    lag: [100, 100],
    health: 'OK',
    reason: /warming up: 2 of 3 samples/,
  },
  {
    name: 'warming up: samples do not span the window',
    atMs: [30_000, 40_000, 50_000, 60_000],
    committed: [10, 10, 10, 10],
    lag: [100, 100, 100, 100],
    health: 'OK',
    reason: /warming up: 4 of 3 samples over 30 s of 60 s$/,
  },
  {
    name: 'warming up: an empty group with lag is not called STOP yet',
    atMs: [30_000, 60_000],
    committed: [10, 10],
    lag: [100, 100],
    members: 0,
    health: 'OK',
    reason: /warming up.*no members/,
  },
  { name: 'commits advance, lag shrinking', committed: [100, 200, 300, 400, 500], lag: [900, 850, 800, 700, 600], health: 'OK', reason: /commits advancing, lag 600/ },
  { name: 'commits advance, lag flat', committed: [100, 200, 300, 400, 500], lag: [50, 50, 50, 50, 50], health: 'OK', reason: /commits advancing/ },
  { name: 'commits advance, lag grew but shrank once', committed: [100, 200, 300, 400, 500], lag: [50, 80, 70, 90, 120], health: 'OK', reason: /commits advancing/ },
  { name: 'commits advance, lag grows every step', committed: [100, 200, 300, 400, 500], lag: [50, 80, 80, 90, 120], health: 'WARN', reason: /lag grew from 50 to 120 over 60 s/ },
  { name: 'commits advance only once in the window', committed: [100, 100, 100, 100, 101], lag: [50, 60, 70, 80, 90], health: 'WARN', reason: /lag grew/ },
  {
    name: 'committed unchanged with lag and members',
    committed: [100, 100, 100, 100, 100],
    lag: [40, 40, 40, 40, 40],
    members: 3,
    health: 'STALL',
    reason: /committed offset 100 unchanged for 60 s with lag 40 and 3 members/,
  },
  { name: 'committed unchanged, lag growing, members', committed: [7, 7, 7, 7, 7], lag: [1, 2, 3, 4, 5], members: 1, health: 'STALL', reason: /unchanged/ },
  {
    name: 'empty group, committed unchanged with lag',
    committed: [100, 100, 100, 100, 100],
    lag: [40, 40, 40, 40, 40],
    members: 0,
    health: 'STOP',
    reason: /no members; committed offset 100 unchanged for 60 s with lag 40/,
  },
  { name: 'empty group whose offsets still move (manual assignment)', committed: [1, 2, 3, 4, 5], lag: [9, 8, 7, 6, 5], members: 0, health: 'OK', reason: /commits advancing/ },
  { name: 'uncommitted, lag 0 (latest)', committed: [null, null, null, null, null], lag: [0, 0, 0, 0, 0], health: 'OK', reason: /^no lag$/ },
  { name: 'uncommitted with lag and members', committed: [null, null, null, null, null], lag: [30, 30, 30, 30, 30], members: 2, health: 'STALL', reason: /no commit for 60 s with lag 30/ },
  { name: 'uncommitted with lag, empty group', committed: [null, null, null, null, null], lag: [30, 31, 32, 33, 34], members: 0, health: 'STOP', reason: /no members; no commit for 60 s/ },
  { name: 'first commit inside the window counts as movement', committed: [null, null, 5, 10, 20], lag: [30, 40, 40, 45, 50], members: 1, health: 'WARN', reason: /lag grew/ },
  {
    name: 'anchor older than the window (a collection gap)',
    atMs: [-600_000, 30_000, 60_000],
    committed: [5, 5, 5],
    lag: [10, 10, 10],
    members: 1,
    health: 'STALL',
    reason: /unchanged for 660 s/,
  },
  { name: 'minSamples above the samples held', committed: [1, 1, 1, 1, 1], lag: [3, 3, 3, 3, 3], minSamples: 6, health: 'OK', reason: /warming up: 5 of 6/ },
];

describe('partitionHealth', () => {
  it.each(rows)('$name → $health', ({ atMs, committed, lag, members, minSamples, health, reason }) => {
    const input: HealthInput = {
      nowMs: 60_000,
      windowMs: WINDOW_MS,
      minSamples: minSamples ?? 3,
      members: members ?? 1,
      atMs: atMs ?? FULL,
      committed,
      lag,
    };
    const verdict = partitionHealth(input);
    expect(verdict.health).toBe(health);
    expect(verdict.reason).toMatch(reason);
  });
});

describe('worstHealth and healthCode', () => {
  it.each([
    { name: 'none', verdicts: [] as Health[], worst: 'OK' },
    { name: 'all OK', verdicts: ['OK', 'OK'] as Health[], worst: 'OK' },
    { name: 'one WARN', verdicts: ['OK', 'WARN', 'OK'] as Health[], worst: 'WARN' },
    { name: 'STOP beats STALL', verdicts: ['STALL', 'STOP', 'WARN'] as Health[], worst: 'STOP' },
  ])('$name → $worst', ({ verdicts, worst }) => {
    expect(worstHealth(verdicts)).toBe(worst);
  });

  it('codes grow with severity', () => {
    expect((['OK', 'WARN', 'STALL', 'STOP'] as const).map(healthCode)).toEqual([0, 1, 2, 3]);
  });
});
