import { describe, expect, it } from 'vitest';
import { PartitionSlots } from './partition-slots.js';
import { seededRandom } from '@lagscale/kafka-core/testing/seeded-random';

describe('PartitionSlots', () => {
  it('answers as a Map<number, number> would, on seeded random operations', () => {
    const r = seededRandom(7);
    const slots = new PartitionSlots();
    const map = new Map<number, number>();
    for (let step = 0; step < 5_000; step += 1) {
      const partition = Math.floor(r() * 40);
      const op = r();
      if (op < 0.5) {
        const index = Math.floor(r() * 1_000);
        slots.set(partition, index);
        map.set(partition, index);
      } else if (op < 0.8) {
        expect(slots.delete(partition)).toBe(map.delete(partition));
      }
      expect(slots.get(partition)).toBe(map.get(partition));
      expect(slots.size).toBe(map.size);
    }
    expect([...slots]).toEqual([...map].sort((a, b) => a[0] - b[0]));
    expect([...slots.keys()]).toEqual([...map.keys()].sort((a, b) => a - b));
  });

  it('keeps iterating when entries are deleted on the way, and refuses what is not a partition', () => {
    const slots = new PartitionSlots().set(0, 5).set(3, 6).set(7, 8);
    const seen: number[] = [];
    for (const [partition] of slots) {
      seen.push(partition);
      slots.delete(partition);
    }
    expect(seen).toEqual([0, 3, 7]);
    expect(slots.size).toBe(0);
    expect(() => slots.set(-1, 0)).toThrow(RangeError);
    expect(() => slots.set(1.5, 0)).toThrow(RangeError);
  });
});
