import { describe, expect, it } from 'vitest';
import { zstdCompression } from './zstd.js';

const zstdMagic = 0xfd_2f_b5_28;

// Written by kafka-clients 4.1.2 (ZstdOutputStream): a frame without a content size.
const fromJava = {
  text: 'lagscale fixture: {"id":1,"event":"click"} {"id":2,"event":"click"} {"id":3,"event":"click"}',
  frame: Buffer.from(
    '28b52ffd0058bc0100c4026c61677363616c6520666978747572653a207b226964223a312c226576656e74223a22636c' +
      '69636b227d32330300601600aed89d65010000',
    'hex',
  ),
};

describe('zstdCompression', () => {
  it('writes zstd frames', async () => {
    const frame = await zstdCompression.compress(Buffer.from('hello kafka '.repeat(100)));
    expect(frame.readUInt32LE(0)).toBe(zstdMagic);
  });

  it('reads a frame written by the Java client', async () => {
    expect((await zstdCompression.decompress(fromJava.frame)).toString()).toBe(fromJava.text);
  });
});
