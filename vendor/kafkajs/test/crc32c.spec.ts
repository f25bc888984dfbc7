import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

const crc32C = requireSrc('./protocol/recordBatch/crc32C/crc32C.js') as (buffer: Buffer) => number;

/** CRC-32C by its definition: reflected polynomial 0x82f63b78, one bit at a time. */
function bitwiseCrc32C(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pseudoRandomBytes(length: number, seed: number): Buffer {
  let state = seed;
  return Buffer.from(Array.from({ length }, () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) & 0xff));
}

describe('crc32C (slice-by-8)', () => {
  it('gives the standard check value', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches the bitwise definition at every length up to 70 and every alignment', () => {
    const bytes = pseudoRandomBytes(100, 7);
    for (let length = 0; length <= 70; length += 1) {
      for (let start = 0; start < 9; start += 1) {
        const slice = bytes.subarray(start, start + length);
        expect(crc32C(slice), `length ${length} at ${start}`).toBe(bitwiseCrc32C(slice));
      }
    }
  });

  it.each([1_023, 2_100, 65_537])('matches the bitwise definition on %i bytes', (length) => {
    const bytes = pseudoRandomBytes(length, length);
    expect(crc32C(bytes)).toBe(bitwiseCrc32C(bytes));
  });

  it('reads a Buffer view at its own offset, not its backing store', () => {
    const backing = pseudoRandomBytes(64, 3);
    const view = backing.subarray(13, 51);
    expect(crc32C(view)).toBe(bitwiseCrc32C(Buffer.from(view)));
  });
});
