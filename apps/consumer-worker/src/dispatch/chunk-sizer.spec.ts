import { describe, expect, it } from 'vitest';
import { ChunkSizer, defaultAutoChunkOptions, type AutoChunkOptions } from './chunk-sizer.js';

const options: AutoChunkOptions = { targetMs: 20, minRecords: 1, maxRecords: 4_096, initialRecords: 32 };

/** Runs chunks of the sizer's size, each `msPerRecord` per record, and returns the sizes it asked for. */
function sizesOver(sizer: ChunkSizer, chunks: number, msPerRecord: (chunk: number) => number): number[] {
  const sizes: number[] = [];
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const size = sizer.size;
    sizes.push(size);
    sizer.observe(size, size * msPerRecord(chunk));
  }
  return sizes;
}

describe('ChunkSizer', () => {
  it('keeps a fixed size whatever it measures', () => {
    const sizer = new ChunkSizer(256, options);
    expect(sizesOver(sizer, 5, () => 5)).toEqual([256, 256, 256, 256, 256]);
    expect(sizer.msPerRecord).toBeUndefined();
  });

  it('starts auto chunks at the initial size', () => {
    expect(new ChunkSizer('auto', options).size).toBe(32);
    expect(new ChunkSizer('auto').size).toBe(defaultAutoChunkOptions.initialRecords);
  });

  const rows: Array<{ name: string; msPerRecord: number; settlesAt: number }> = [
    { name: 'a noop handler (1 µs a record): the largest chunks', msPerRecord: 0.001, settlesAt: 4_096 },
    { name: '0.2 ms a record: chunks of about 20 ms', msPerRecord: 0.2, settlesAt: 100 },
    { name: '2 ms a record: a few records', msPerRecord: 2, settlesAt: 10 },
    { name: '500 ms a record: one record', msPerRecord: 500, settlesAt: 1 },
  ];
  it.each(rows)('fits chunks to the target time: $name', ({ msPerRecord, settlesAt }) => {
    const sizer = new ChunkSizer('auto', options);
    const sizes = sizesOver(sizer, 40, () => msPerRecord);
    expect(sizes.at(-1)).toBe(settlesAt);
    expect(sizer.msPerRecord).toBeCloseTo(msPerRecord, 6);
  });

  it('grows at most twofold per chunk, and shrinks at once when records get slower', () => {
    const sizer = new ChunkSizer('auto', options);
    const sizes = sizesOver(sizer, 12, (chunk) => (chunk < 8 ? 0.001 : 1));
    expect(sizes.slice(0, 8)).toEqual([32, 64, 128, 256, 512, 1_024, 2_048, 4_096]);
    // the first slow chunk (4,096 records at 1 ms) weighs in at once: far below the cap after it
    expect(sizes[8]).toBe(4_096);
    expect(sizes[9]).toBeLessThan(100);
    expect(sizes[11]).toBeLessThanOrEqual(sizes[10] as number);
  });

  it('evens out a chunk timed together with its neighbour (one counted twice, the next not at all)', () => {
    const sizer = new ChunkSizer('auto', { ...options, maxRecords: 100_000 });
    for (let i = 0; i < 40; i += 1) sizer.observe(100, i % 2 === 0 ? 20 : 0);
    // 0.1 ms a record on average: 200 records fill 20 ms
    expect(sizer.size).toBeGreaterThanOrEqual(150);
    expect(sizer.size).toBeLessThanOrEqual(260);
  });

  it('stays within its bounds and ignores empty or unmeasured chunks', () => {
    const sizer = new ChunkSizer('auto', { targetMs: 20, minRecords: 8, maxRecords: 64, initialRecords: 16 });
    sizer.observe(0, 5);
    sizer.observe(10, Number.NaN);
    expect(sizer.size).toBe(16);
    sizesOver(sizer, 10, () => 1_000);
    expect(sizer.size).toBe(8);
    sizesOver(sizer, 40, () => 0);
    expect(sizer.size).toBe(64);
  });
});
