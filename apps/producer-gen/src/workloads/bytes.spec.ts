import { describe, expect, it } from 'vitest';
import { bytesValueSchema, createBytesWorkload } from './bytes.js';
import { defaultWorkloadOptions } from './workload.js';

const ctx = (seq: number) => ({ seq, key: 'key-000000', timestampMs: 0 });
const workload = (options: { seed?: number; sizeBytes?: number } = {}) => createBytesWorkload({ ...defaultWorkloadOptions, ...options });

describe('bytes workload', () => {
  it.each([{ sizeBytes: 0 }, { sizeBytes: 1 }, { sizeBytes: 7 }, { sizeBytes: 100 }, { sizeBytes: 70_000 }])(
    'makes Buffers of exactly $sizeBytes bytes',
    ({ sizeBytes }) => {
      const values = workload({ sizeBytes });
      for (let seq = 0; seq < 50; seq += 1) {
        const value = values.generate(ctx(seq));
        expect(bytesValueSchema.safeParse(value).success).toBe(true);
        expect(value.length).toBe(sizeBytes);
      }
    },
  );

  it('defaults to 100 bytes', () => {
    expect(workload().generate(ctx(0)).length).toBe(100);
  });

  it('makes every value differ and stamps the sequence number first', () => {
    const values = workload();
    const seen = new Set<string>();
    for (let seq = 0; seq < 20_000; seq += 1) seen.add(values.generate(ctx(seq)).toString('hex'));
    expect(seen.size).toBe(20_000);
    expect(values.generate(ctx(0x0102)).subarray(0, 8)).toEqual(Buffer.from([2, 1, 0, 0, 0, 0, 0, 0]));
    expect(values.generate(ctx(2 ** 40)).readBigUInt64LE(0)).toBe(2n ** 40n);
  });

  it('is deterministic per seed and independent of call order', () => {
    const a = workload({ seed: 9 });
    const b = workload({ seed: 9 });
    expect(b.generate(ctx(5))).toEqual(a.generate(ctx(5)));
    expect(a.generate(ctx(5))).toEqual(b.generate(ctx(5)));
    expect(workload({ seed: 10 }).generate(ctx(5))).not.toEqual(a.generate(ctx(5)));
  });

  it('hands out a fresh Buffer each time', () => {
    const values = workload();
    const first = values.generate(ctx(1));
    const copy = Buffer.from(first);
    first.fill(0);
    expect(values.generate(ctx(1))).toEqual(copy);
  });
});
