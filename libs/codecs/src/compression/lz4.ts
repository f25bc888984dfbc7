import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi';
import { decompressFailed, syncMaxBytes, type CompressionCodec } from './compression-codec.js';

/** The LZ4 frame magic number, little-endian on the wire (04 22 4D 18). */
export const LZ4_FRAME_MAGIC = 0x18_4d_22_04;

// Kafka's LZ4 is the LZ4 *frame* format (KIP-57), not bare LZ4 blocks: Java reads it with
// Lz4BlockInputStream, which wants the frame magic, a correct header checksum and
// independent blocks (it decodes every block on its own). lz4-napi's frame encoder (lz4_flex)
// writes exactly that: FLG 0x60 = version 01 + block independence, no checksums, BD 0x70 =
// 4 MB max block. Checked both ways against kafka-clients 4.1.2; lz4.spec.ts keeps Java's vectors.
// Frames from pre-0.10 brokers (magic v0 message sets) carried a wrong header checksum and
// are not supported.

/** LZ4 frame format, as Kafka uses it. */
export const lz4Compression: CompressionCodec = {
  name: 'lz4',
  async compress(raw) {
    return raw.length <= syncMaxBytes ? compressFrameSync(raw) : compressFrame(raw);
  },
  async decompress(compressed) {
    try {
      return compressed.length <= syncMaxBytes ? decompressFrameSync(compressed) : await decompressFrame(compressed);
    } catch (error) {
      throw decompressFailed('lz4', error);
    }
  },
};
