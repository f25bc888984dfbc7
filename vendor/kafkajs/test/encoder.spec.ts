import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

interface Encoder {
  writeVarInt(value: number): Encoder;
  writeVarLong(value: number): Encoder;
  writeVarIntString(value: string): Encoder;
  writeVarIntBytes(value: string | Buffer | null): Encoder;
  writeBuffer(value: Buffer): Encoder;
  writeInt32(value: number): Encoder;
  readonly buffer: Buffer;
}
const Encoder = requireSrc('./protocol/encoder.js') as (new (initialSize?: number) => Encoder) & {
  sizeOfVarIntBytes(value: string | Buffer | null): number;
  sizeOfVarLong(value: number): number;
};

/** Kafka's varint: zigzag, then LEB128 (7 bits per byte, low first), over the exact integer. */
function zigzagLeb128(value: bigint): string {
  let z = value >= 0n ? value * 2n : -value * 2n - 1n;
  const bytes: number[] = [];
  while (z >= 0x80n) {
    bytes.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  bytes.push(Number(z));
  return Buffer.from(bytes).toString('hex');
}

/** A length-prefixed field as Kafka writes it: varint length, then the bytes. */
function lengthPrefixed(bytes: Buffer): string {
  return zigzagLeb128(BigInt(bytes.length)) + bytes.toString('hex');
}

describe('Encoder', () => {
  it.each([0, 1, -1, 63, 64, -64, -65, 300, 8_191, 1_000_000, -1_000_000, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 40)])(
    'writes and measures varint and varlong %d as zigzag LEB128',
    (value) => {
      expect(new Encoder().writeVarLong(value).buffer.toString('hex')).toBe(zigzagLeb128(BigInt(value)));
      expect(Encoder.sizeOfVarLong(value)).toBe(zigzagLeb128(BigInt(value)).length / 2);
      if (value >= -(2 ** 31) && value < 2 ** 31) {
        expect(new Encoder().writeVarInt(value).buffer.toString('hex')).toBe(zigzagLeb128(BigInt(value)));
      }
    },
  );

  it.each(['', 'seq', 'x'.repeat(64), 'y'.repeat(65), 'nul \u0000 and del \u007f', 'grüße ☃', '日本', 'emoji 😀 pair', 'lone \ud800 surrogate'])(
    'writes and measures the string %j by its UTF-8 bytes, as Buffer does',
    (text) => {
      const expected = lengthPrefixed(Buffer.from(text, 'utf8'));
      expect(new Encoder().writeVarIntString(text).buffer.toString('hex')).toBe(expected);
      expect(new Encoder().writeVarIntBytes(text).buffer.toString('hex')).toBe(expected);
      expect(Encoder.sizeOfVarIntBytes(text)).toBe(expected.length / 2);
    },
  );

  it('writes null bytes as length -1', () => {
    expect(new Encoder().writeVarIntBytes(null).buffer.toString('hex')).toBe(zigzagLeb128(-1n));
    expect(Encoder.sizeOfVarIntBytes(null)).toBe(1);
  });

  it('copies a Buffer view by its own bytes, not its backing store', () => {
    const backing = Buffer.from('0123456789abcdef');
    const view = backing.subarray(4, 9);
    expect(new Encoder().writeVarIntBytes(view).buffer.toString('hex')).toBe(lengthPrefixed(Buffer.from('45678')));
  });

  it('keeps what it wrote when it grows past its initial size, and returns only written bytes', () => {
    // the buffer is not zero-filled: everything returned must have been written
    const encoder = new Encoder(8);
    const chunks: Buffer[] = [];
    for (let i = 0; i < 200; i += 1) {
      const chunk = Buffer.alloc(i % 37, i);
      chunks.push(chunk);
      encoder.writeBuffer(chunk).writeInt32(i);
    }
    const expected = Buffer.concat(chunks.flatMap((chunk, i) => [chunk, Buffer.from([0, 0, 0, i])]));
    expect(encoder.buffer.equals(expected)).toBe(true);
  });
});
