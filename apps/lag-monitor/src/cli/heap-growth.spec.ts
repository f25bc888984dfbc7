import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from './heap-growth.js';

describe('limitHeapGrowth', () => {
  const rows: { name: string; execArgv: string[]; nodeOptions: string; sets: boolean }[] = [
    { name: 'nothing given', execArgv: [], nodeOptions: '', sets: true },
    { name: 'other node options', execArgv: ['--enable-source-maps'], nodeOptions: '--max-old-space-size=512', sets: true },
    { name: 'a growing percent on the command line', execArgv: ['--heap-growing-percent=50'], nodeOptions: '', sets: false },
    { name: 'a growing percent in NODE_OPTIONS (underscores)', execArgv: [], nodeOptions: '--heap_growing_percent=10', sets: false },
  ];
  it.each(rows)('$name: sets it = $sets', ({ execArgv, nodeOptions, sets }) => {
    expect(limitHeapGrowth(execArgv, nodeOptions)).toBe(sets);
  });
});
