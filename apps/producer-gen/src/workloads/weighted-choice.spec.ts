import { describe, expect, it } from 'vitest';
import { weightedPicker } from './weighted-choice.js';

describe('weightedPicker', () => {
  const pick = weightedPicker([
    ['a', 1],
    ['b', 2],
    ['c', 1],
  ]);

  it.each([
    { u: 0, value: 'a' },
    { u: 0.2499, value: 'a' },
    { u: 0.25, value: 'b' },
    { u: 0.7499, value: 'b' },
    { u: 0.75, value: 'c' },
    { u: 0.999999999, value: 'c' },
  ])('maps u=$u to $value by share of the total weight', ({ u, value }) => {
    expect(pick(u)).toBe(value);
  });

  it('never picks a zero-weight entry', () => {
    const skip = weightedPicker([
      ['never', 0],
      ['always', 3],
    ]);
    expect(skip(0)).toBe('always');
  });

  it('rejects a table without positive weight', () => {
    expect(() => weightedPicker([])).toThrow(RangeError);
    expect(() => weightedPicker([['x', 0]])).toThrow(RangeError);
  });
});
