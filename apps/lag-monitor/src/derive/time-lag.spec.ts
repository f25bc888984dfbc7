import { describe, expect, it } from 'vitest';
import type { EndHistory } from './sample-history.js';
import { timeLagSeconds } from './time-lag.js';

const T = 1_700_000_000_000;
// End offsets every 10 s: 0 at T, 100 at T+10 s, 100 at T+20 s (idle), 300 at T+30 s.
const history: EndHistory = { atMs: [T, T + 10_000, T + 20_000, T + 30_000], end: [0, 100, 100, 300] };
const NOW = T + 30_000;

describe('timeLagSeconds', () => {
  it.each([
    { name: 'no history', history: undefined, position: 5, nowMs: NOW, seconds: 0 },
    { name: 'empty history', history: { atMs: [], end: [] }, position: 5, nowMs: NOW, seconds: 0 },
    { name: 'caught up', history, position: 300, nowMs: NOW, seconds: 0 },
    { name: 'position past the end (commit ahead)', history, position: 400, nowMs: NOW, seconds: 0 },
    // offset 0 appeared when the end went 0 → 1: 1/100 of the way from T to T+10 s
    { name: 'oldest record of the first step', history, position: 0, nowMs: NOW, seconds: 29.9 },
    { name: 'middle of the first step', history, position: 49, nowMs: NOW, seconds: 25 },
    // end stayed 100 between T+10 s and T+20 s: offset 100 appeared after T+20 s
    { name: 'record after an idle stretch', history, position: 100, nowMs: NOW, seconds: 9.95 },
    { name: 'newest record', history, position: 299, nowMs: NOW, seconds: 0 },
    { name: 'later now adds its age', history, position: 299, nowMs: NOW + 5_000, seconds: 5 },
    { name: 'older than the history: age of the oldest sample', history: { atMs: [T, T + 10_000], end: [500, 600] }, position: 100, nowMs: T + 10_000, seconds: 10 },
    { name: 'one sample, older position', history: { atMs: [T], end: [50] }, position: 10, nowMs: T, seconds: 0 },
  ])('$name → $seconds s', ({ history: h, position, nowMs, seconds }) => {
    expect(timeLagSeconds(h, position, nowMs)).toBeCloseTo(seconds, 6);
  });
});
