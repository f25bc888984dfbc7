import { describe, expect, it } from 'vitest';
import { CHAOS_PROFILES, chaosPlan, FAULT_KINDS, faultsOf, validatePlan, type ChaosPlan } from './fault-plan.ts';

describe('chaosPlan', () => {
  it.each(CHAOS_PROFILES)('the %s plan is valid', (profile) => {
    expect(validatePlan(chaosPlan(profile))).toEqual([]);
  });

  it('the full plan injects every fault alone, then all of them in one phase', () => {
    const plan = chaosPlan('full');
    for (const kind of FAULT_KINDS) expect(plan.phases.filter((p) => p.name === kind && p.faults.length === 1 && p.faults[0]?.kind === kind)).toHaveLength(1);
    const together = plan.phases.find((p) => p.name === 'together');
    expect(together?.faults.map((f) => f.kind).sort()).toEqual([...FAULT_KINDS].sort());
    // "together": every fault within 20 s of the first
    const times = together?.faults.map((f) => f.atMs) ?? [];
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(20_000);
    expect(faultsOf(plan)).toEqual([...FAULT_KINDS]);
  });

  it('the reduced plan stays short: under a minute of producing in all', () => {
    const plan = chaosPlan('reduced');
    expect(plan.phases.reduce((sum, p) => sum + p.produceMs, 0)).toBeLessThan(60_000);
    expect(plan.phases.every((p) => p.faults.length === 1)).toBe(true);
  });

  it('the storm peaks at 8 members (1 → 8 → 1)', () => {
    expect(chaosPlan('full').stormPeak).toBe(8);
  });
});

describe('validatePlan', () => {
  const base = (): ChaosPlan => ({ ...chaosPlan('reduced'), phases: [] });
  const cases: Array<{ name: string; plan: ChaosPlan; problem: string }> = [
    { name: 'a fault after the producer stops', plan: { ...base(), phases: [{ name: 'x', produceMs: 5_000, faults: [{ kind: 'consumer-kill', atMs: 5_000 }] }] }, problem: 'x: consumer-kill at 5000 ms is after the producer stops (5000 ms)' },
    {
      name: 'faults out of order',
      plan: { ...base(), phases: [{ name: 'y', produceMs: 9_000, faults: [{ kind: 'slow-handler', atMs: 4_000 }, { kind: 'thread-crash', atMs: 2_000 }] }] },
      problem: 'y: thread-crash at 2000 ms comes before the fault ahead of it',
    },
    { name: 'a storm larger than the partitions', plan: { ...base(), stormPeak: 9 }, problem: 'stormPeak must be an integer from 2 to the partition count 4 (got 9)' },
    { name: 'no rate', plan: { ...base(), rate: 0 }, problem: 'rate must be > 0 (got 0)' },
  ];
  it.each(cases)('$name', ({ plan, problem }) => {
    expect(validatePlan(plan)).toEqual([problem]);
  });
});
