import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops in key order, whatever the push order', () => {
    const heap = new MinHeap<string>();
    const keys = [5, 3, 9, 1, 7, 3, 0, 12, 8];
    keys.forEach((k) => heap.push(`k${k}`, k));
    const popped: string[] = [];
    while (heap.length > 0) popped.push(heap.pop() as string);
    expect(popped).toEqual([...keys].sort((a, b) => a - b).map((k) => `k${k}`));
  });

  it('matches a sorted reference on a long random sequence of pushes and pops', () => {
    const heap = new MinHeap<number>();
    const reference: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let step = 0; step < 5_000; step += 1) {
      if (random() < 0.6) {
        const key = Math.floor(random() * 1_000);
        heap.push(key, key);
        reference.push(key);
        reference.sort((a, b) => a - b);
      } else {
        expect(heap.minKey).toBe(reference[0] ?? Infinity);
        expect(heap.pop()).toBe(reference.shift());
      }
    }
  });

  it('filters, keeping the order of what stays', () => {
    const heap = new MinHeap<number>();
    [4, 1, 3, 2, 5].forEach((k) => heap.push(k, k));
    heap.filter((k) => k % 2 === 1);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([1, 3, 5, undefined]);
    expect(heap.minKey).toBe(Infinity);
  });
});
