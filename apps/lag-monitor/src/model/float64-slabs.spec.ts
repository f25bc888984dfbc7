import { describe, expect, it } from 'vitest';
import { float64Slabs } from './float64-slabs.js';

describe('float64Slabs', () => {
  it('cuts arrays of the asked length from shared slabs, a new slab when one is full, its own for a long one', () => {
    const take = float64Slabs(10);
    const a = take(4);
    const b = take(6);
    const c = take(3);
    const long = take(25);
    expect([a.length, b.length, c.length, long.length]).toEqual([4, 6, 3, 25]);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
    expect(long.buffer).not.toBe(c.buffer);
    a.fill(1);
    b.fill(2);
    // Neighbours do not overlap.
    expect([...a, ...b]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });
});
