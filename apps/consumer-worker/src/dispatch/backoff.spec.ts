import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  const options = { retryBaseMs: 100, retryMaxMs: 5_000, retryJitterRatio: 0.5 };
  const rows: Array<{ name: string; attempt: number; random: number; delayMs: number }> = [
    { name: 'first retry, no jitter drawn', attempt: 1, random: 0, delayMs: 100 },
    { name: 'doubles each retry', attempt: 3, random: 0, delayMs: 400 },
    { name: 'capped at the max', attempt: 10, random: 0, delayMs: 5_000 },
    { name: 'huge attempt stays capped', attempt: 5_000, random: 0, delayMs: 5_000 },
    { name: 'full jitter draw takes off the ratio', attempt: 2, random: 1, delayMs: 100 },
    { name: 'half jitter draw', attempt: 2, random: 0.5, delayMs: 150 },
    { name: 'attempt 0 treated as the first', attempt: 0, random: 0, delayMs: 100 },
  ];
  it.each(rows)('$name', ({ attempt, random, delayMs }) => {
    expect(retryDelayMs(attempt, options, () => random)).toBe(delayMs);
  });
});
