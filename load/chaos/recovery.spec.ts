import { describe, expect, it } from 'vitest';
import { recoveryMs, totalLag, type GroupSample } from './recovery.ts';

const sample = (atMs: number, parts: Array<[end: number, committed: number | null]>, members = 1): GroupSample => ({
  atMs,
  members,
  partitions: parts.map(([end, committed], partition) => ({ partition, end, committed })),
});

describe('totalLag', () => {
  it('sums end − committed, a partition never committed counting from 0', () => {
    expect(totalLag(sample(0, [[10, 4], [5, null], [3, 7]]).partitions ?? [])).toBe(6 + 5 + 0);
  });
});

describe('recoveryMs', () => {
  const window = { injectedAtMs: 1_000, clearedAtMs: 2_000, steadyLag: 10 };

  it('ends at the first sample after the clear where every partition passed its end at the clear and the lag is steady', () => {
    const samples = [
      sample(500, [[100, 100], [100, 100]]),
      sample(2_000, [[150, 100], [140, 100]]), // the clear: must reach 150 and 140
      sample(2_500, [[160, 160], [150, 120]]), // partition 1 still short of 140
      sample(3_000, [[170, 165], [160, 145]]), // both passed, lag 5 + 15 = 20 > 10
      sample(3_500, [[180, 178], [170, 166]]), // lag 6: steady
    ];
    expect(recoveryMs(samples, window)).toBe(2_500);
  });

  it('skips samples read while the broker was away', () => {
    const samples: GroupSample[] = [{ atMs: 2_000 }, sample(2_500, [[50, 20]]), { atMs: 3_000 }, sample(3_500, [[55, 52]])];
    expect(recoveryMs(samples, window)).toBe(2_500);
  });

  it('is undefined when the group never catches up', () => {
    expect(recoveryMs([sample(2_000, [[100, 0]]), sample(9_000, [[200, 50]])], window)).toBeUndefined();
    expect(recoveryMs([sample(1_500, [[100, 100]])], window)).toBeUndefined();
  });

  it('a group fully committed at the clear has not recovered until records produced after it are committed too', () => {
    const samples = [
      sample(2_000, [[100, 100], [80, 80]]), // all committed at the clear: not yet proof of flow
      sample(2_500, [[105, 100], [84, 80]]), // new records, none committed (owner dead)
      sample(3_000, [[110, 109], [88, 81]]), // both partitions moved past the clear
    ];
    expect(recoveryMs(samples, { ...window, steadyLag: 100 })).toBe(2_000);
  });

  it('a partition that received nothing since the clear only needs what it held', () => {
    expect(recoveryMs([sample(2_000, [[100, 90], [50, 50]]), sample(2_500, [[101, 101], [50, 50]])], { ...window, steadyLag: 100 })).toBe(1_500);
  });

  it('a partition stuck on a dead owner holds recovery even when the total lag looks small', () => {
    const samples = [sample(2_000, [[10, 5], [1_000, 995]]), sample(2_500, [[12, 12], [1_001, 996]]), sample(3_000, [[13, 13], [1_002, 1_002]])];
    expect(recoveryMs(samples, { ...window, steadyLag: 100 })).toBe(2_000);
  });
});
