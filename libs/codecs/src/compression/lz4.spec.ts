import { describe, expect, it } from 'vitest';
import { LZ4_FRAME_MAGIC, lz4Compression } from './lz4.js';

const hex = (text: string) => Buffer.from(text, 'hex');

// Written by kafka-clients 4.1.2 (Lz4BlockOutputStream, record batch v2): FLG 0x60, BD 0x40.
const fromJava = {
  text: 'lagscale fixture: {"id":1,"event":"click"} {"id":2,"event":"click"} {"id":3,"event":"click"}',
  frame: hex(
    '04224d186040823d000000f31b6c61677363616c6520666978747572653a207b226964223a312c226576656e7422' +
      '3a22636c69636b227d19001f32190005183319005069636b227d00000000',
  ),
  empty: hex('04224d1860408200000000'),
};

describe('lz4Compression', () => {
  it('writes the LZ4 frame format Kafka expects', async () => {
    const frame = await lz4Compression.compress(Buffer.from('hello kafka '.repeat(100)));
    expect(frame.readUInt32LE(0)).toBe(LZ4_FRAME_MAGIC);
    const flg = frame[4] ?? 0;
    expect(flg >> 6).toBe(0b01); // frame format version 01
    expect(flg & 0b0010_0000).toBe(0b0010_0000); // independent blocks: Java decodes each on its own
    const bd = frame[5] ?? 0;
    expect((bd >> 4) & 0b111).toBeGreaterThanOrEqual(4); // 64 KB … 4 MB max block size
  });

  it('writes a frame for empty input', async () => {
    const frame = await lz4Compression.compress(Buffer.alloc(0));
    expect(frame.readUInt32LE(0)).toBe(LZ4_FRAME_MAGIC);
    expect(await lz4Compression.decompress(frame)).toEqual(Buffer.alloc(0));
  });

  it('reads a frame written by the Java client', async () => {
    expect((await lz4Compression.decompress(fromJava.frame)).toString()).toBe(fromJava.text);
    expect(await lz4Compression.decompress(fromJava.empty)).toEqual(Buffer.alloc(0));
  });

  it('rejects bare LZ4 blocks (no frame magic)', async () => {
    await expect(lz4Compression.decompress(hex('f31b6c61677363616c65'))).rejects.toMatchObject({
      code: 'DECOMPRESS_FAILED',
      message: /^lz4 decompress failed/,
    });
  });
});
