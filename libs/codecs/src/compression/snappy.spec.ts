import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { isXerialFramed, snappyCompression } from './snappy.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const xerialHeader = hex('82534e415050590000000001' + '00000001');

// Written by kafka-clients 4.1.2 (SnappyCompression.wrapForOutput, record batch v2).
const fromJava = {
  text: 'lagscale fixture: {"id":1,"event":"click"} {"id":2,"event":"click"} {"id":3,"event":"click"}',
  framed: hex(
    '82534e41505059000000000100000001000000395ca86c61677363616c6520666978747572653a207b226964223a' +
      '312c226576656e74223a22636c69636b227d20091900325e19000033421900',
  ),
  empty: hex('82534e41505059000000000100000001'),
};

function xerialFrame(chunks: Buffer[]): Buffer {
  const parts: Buffer[] = [xerialHeader];
  for (const chunk of chunks) {
    const block = compressSync(chunk);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

describe('snappyCompression', () => {
  it('writes raw snappy blocks, not xerial frames', async () => {
    const raw = Buffer.from(fromJava.text);
    const compressed = await snappyCompression.compress(raw);
    expect(isXerialFramed(compressed)).toBe(false);
    expect(compressed).toEqual(compressSync(raw));
  });

  it('reads a xerial frame written by the Java client', async () => {
    expect(isXerialFramed(fromJava.framed)).toBe(true);
    expect((await snappyCompression.decompress(fromJava.framed)).toString()).toBe(fromJava.text);
  });

  it('reads the empty xerial frame the Java client writes for no data', async () => {
    expect(await snappyCompression.decompress(fromJava.empty)).toEqual(Buffer.alloc(0));
  });

  it('reads a multi-chunk xerial frame in order', async () => {
    const chunks = Array.from({ length: 5 }, (_, i) => Buffer.from(`chunk-${i}:`.repeat(8_000 + i)));
    const decompressed = await snappyCompression.decompress(xerialFrame(chunks));
    expect(decompressed.equals(Buffer.concat(chunks))).toBe(true);
  });

  it.each([
    { label: 'a header cut short', framed: xerialHeader.subarray(0, 12), message: /truncated xerial header/ },
    { label: 'a chunk length cut short', framed: Buffer.concat([xerialFrame([Buffer.from('abc')]), hex('0000')]), message: /truncated xerial chunk length/ },
    { label: 'a chunk cut short', framed: xerialFrame([Buffer.from('abc'.repeat(100))]).subarray(0, 30), message: /overruns/ },
    { label: 'a corrupt chunk', framed: Buffer.concat([xerialHeader, hex('00000003'), hex('ffffff')]), message: /snappy decompress failed/ },
  ])('rejects $label instead of returning a partial batch', async ({ framed, message }) => {
    await expect(snappyCompression.decompress(framed)).rejects.toMatchObject({ code: 'DECOMPRESS_FAILED', message });
  });
});
