import { describe, expect, it } from 'vitest';
import { Deque } from './deque.js';

type Op = { op: 'push' | 'unshift'; value: number } | { op: 'shift'; expected: number | undefined };

describe('Deque', () => {
  const rows: Array<{ name: string; ops: Op[]; contents: number[] }> = [
    { name: 'empty shift gives undefined', ops: [{ op: 'shift', expected: undefined }], contents: [] },
    { name: 'push then shift is FIFO', ops: [{ op: 'push', value: 1 }, { op: 'push', value: 2 }, { op: 'shift', expected: 1 }], contents: [2] },
    { name: 'unshift puts at the front', ops: [{ op: 'push', value: 1 }, { op: 'unshift', value: 0 }], contents: [0, 1] },
    { name: 'unshift on empty wraps around', ops: [{ op: 'unshift', value: 5 }, { op: 'unshift', value: 4 }, { op: 'shift', expected: 4 }], contents: [5] },
  ];
  it.each(rows)('$name', ({ ops, contents }) => {
    const deque = new Deque<number>();
    for (const step of ops) {
      if (step.op === 'shift') expect(deque.shift()).toBe(step.expected);
      else deque[step.op](step.value);
    }
    expect([...deque]).toEqual(contents);
    expect(deque.length).toBe(contents.length);
  });

  it('keeps order across growth with a wrapped head', () => {
    const deque = new Deque<number>();
    const model: number[] = [];
    for (let i = 0; i < 1_000; i += 1) {
      if (i % 3 === 0) {
        deque.unshift(i);
        model.unshift(i);
      } else {
        deque.push(i);
        model.push(i);
      }
      if (i % 7 === 0) expect(deque.shift()).toBe(model.shift());
    }
    expect([...deque]).toEqual(model);
    expect(deque.peek()).toBe(model[0]);
  });
});
