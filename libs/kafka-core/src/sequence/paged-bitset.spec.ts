import { describe, expect, it } from 'vitest';
import { PagedBitset, type IntRange } from './paged-bitset.js';

const PAGE = 65_536;

function bitsetOf(members: Iterable<number>): PagedBitset {
  const set = new PagedBitset();
  for (const n of members) set.add(n);
  return set;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

// The obvious implementation, to compare against.
function naiveMissing(members: ReadonlySet<number>, limit: number): IntRange[] {
  const ranges: IntRange[] = [];
  for (let n = 0; n < limit; n += 1) {
    if (members.has(n)) continue;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.to === n - 1) last.to = n;
    else ranges.push({ from: n, to: n });
  }
  return ranges;
}

describe('PagedBitset', () => {
  it('adds once, reports repeats, and answers has()', () => {
    const set = new PagedBitset();
    expect(set.add(3)).toBe(true);
    expect(set.add(3)).toBe(false);
    expect(set.add(PAGE * 5 + 31)).toBe(true);
    expect(set.add(2 ** 40)).toBe(true);
    expect(set.size).toBe(3);
    expect([3, PAGE * 5 + 31, 2 ** 40].map((n) => set.has(n))).toEqual([true, true, true]);
    expect([0, 4, PAGE * 5 + 30, 2 ** 40 - 1].map((n) => set.has(n))).toEqual([false, false, false, false]);
  });

  const cases: Array<{ name: string; members: number[]; limit: number; max: number; ranges: IntRange[]; truncated: boolean; below: number }> = [
    { name: 'empty set, empty limit', members: [], limit: 0, max: 5, ranges: [], truncated: false, below: 0 },
    { name: 'empty set', members: [], limit: 10, max: 5, ranges: [{ from: 0, to: 9 }], truncated: false, below: 0 },
    { name: 'complete', members: range(0, 99), limit: 100, max: 5, ranges: [], truncated: false, below: 100 },
    { name: 'holes at word edges', members: range(0, 99).filter((n) => ![0, 31, 32, 63, 64].includes(n)), limit: 100, max: 5, ranges: [{ from: 0, to: 0 }, { from: 31, to: 32 }, { from: 63, to: 64 }], truncated: false, below: 95 },
    { name: 'tail beyond the last member', members: range(0, 9), limit: 15, max: 5, ranges: [{ from: 10, to: 14 }], truncated: false, below: 10 },
    { name: 'members at and above the limit ignored', members: [...range(0, 4), 7, 8], limit: 7, max: 5, ranges: [{ from: 5, to: 6 }], truncated: false, below: 5 },
    { name: 'a gap spanning whole absent pages', members: [0, PAGE * 3 + 2], limit: PAGE * 3 + 3, max: 5, ranges: [{ from: 1, to: PAGE * 3 + 1 }], truncated: false, below: 2 },
    { name: 'a gap across a page edge', members: [...range(0, PAGE - 3), ...range(PAGE + 2, PAGE + 9)], limit: PAGE + 10, max: 5, ranges: [{ from: PAGE - 2, to: PAGE + 1 }], truncated: false, below: PAGE - 2 + 8 },
    { name: 'a stray huge member costs nothing to scan', members: [0, 2 ** 45], limit: 2 ** 45 + 1, max: 5, ranges: [{ from: 1, to: 2 ** 45 - 1 }], truncated: false, below: 2 },
    { name: 'truncated to max ranges', members: [0, 2, 4, 6], limit: 8, max: 2, ranges: [{ from: 1, to: 1 }, { from: 3, to: 3 }], truncated: true, below: 4 },
    { name: 'exactly max ranges is not truncated', members: [0, 2, 4], limit: 5, max: 2, ranges: [{ from: 1, to: 1 }, { from: 3, to: 3 }], truncated: false, below: 3 },
  ];
  it.each(cases)('$name', ({ members, limit, max, ranges, truncated, below }) => {
    const set = bitsetOf(members);
    expect(set.missingRanges(limit, max)).toEqual({ ranges, truncated });
    expect(set.countBelow(limit)).toBe(below);
  });

  it('agrees with a naive set on pseudo-random members across pages', () => {
    let state = 12_345;
    const random = (): number => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state / 2 ** 32;
    };
    const limit = PAGE * 2 + 500;
    const members = new Set<number>();
    for (let n = 0; n < limit + 100; n += 1) if (random() < 0.995) members.add(n);
    const set = bitsetOf(members);
    const expected = naiveMissing(members, limit);
    expect(set.missingRanges(limit, 10_000)).toEqual({ ranges: expected, truncated: false });
    expect(set.countBelow(limit)).toBe([...members].filter((n) => n < limit).length);
    expect(set.size).toBe(members.size);
  });
});
