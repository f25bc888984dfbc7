import { describe, expect, it } from 'vitest';
import { cpuMsFromStat, processCpuMs } from './process-cpu.ts';

describe('cpuMsFromStat', () => {
  it('adds user and system time (fields 14 and 15) in ms, whatever the command name holds', () => {
    const stat = '4242 (node my (app)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 56 0 0 20 0 11 0 100 1000000 5000 18446744073709551615';
    expect(cpuMsFromStat(stat)).toBe(12_900);
  });

  it('is undefined for text that is not a stat line', () => {
    expect(cpuMsFromStat('')).toBeUndefined();
    expect(cpuMsFromStat('1 (x) S')).toBeUndefined();
  });

  it('reads this process while it runs, and nothing for no process', () => {
    if (process.platform === 'linux') expect(processCpuMs(process.pid)).toBeGreaterThan(0);
    expect(processCpuMs(undefined)).toBeUndefined();
  });
});
