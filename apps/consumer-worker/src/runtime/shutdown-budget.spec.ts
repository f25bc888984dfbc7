import { describe, expect, it } from 'vitest';
import { drainBudgetMs, stateFlushBudgetMs } from './consumer-service.js';

describe('the shutdown timeout shared by the parts of a stop', () => {
  it('gives the running chunks all but a 5 s reserve, and at least half', () => {
    expect(drainBudgetMs(30_000)).toBe(25_000);
    expect(drainBudgetMs(6_000)).toBe(3_000);
  });

  it('flushes keyed state within what is left of the timeout, at most 2 s', () => {
    expect(stateFlushBudgetMs(4_000)).toBe(2_000);
    expect(stateFlushBudgetMs(1_500)).toBe(1_000);
    expect(stateFlushBudgetMs(200)).toBe(0);
    expect(stateFlushBudgetMs(-3_000)).toBe(0);
  });
});
