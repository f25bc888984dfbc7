import { compress, compressSync, uncompress, uncompressSync } from 'snappy';
import { CodecError } from '../errors.js';
import { decompressFailed, syncMaxBytes, type CompressionCodec } from './compression-codec.js';

// What goes on the wire (checked against kafka-clients 4.1.2, snappy-java 1.1.10.7):
// - Java *writes* xerial-framed snappy for every message format, record batch v2 included:
//   SnappyCompression.wrapForOutput is a plain org.xerial.snappy.SnappyOutputStream, i.e. the
//   16-byte header (0x82 "SNAPPY" 0x00, version 1, compatible 1) and then 32 KB chunks, each an
//   int32 big-endian length plus one raw snappy block.
// - Java *reads* both: SnappyInputStream falls back to one raw block when the header is absent.
//   librdkafka and kafkajs-snappy write raw blocks for that reason, and so do we (smaller,
//   one native call).
// - kafkajs-snappy's decompress looks for the xerial magic and, when found, unframes the
//   chunks; it silently drops a truncated trailing chunk. We unframe the same way but reject
//   truncation, since losing the tail of a batch must not pass as success.

const xerialMagic = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const xerialHeaderLength = 16; // magic + int32 version + int32 compatible version
const chunkLengthBytes = 4;

export function isXerialFramed(buffer: Buffer): boolean {
  return buffer.length >= xerialMagic.length && buffer.subarray(0, xerialMagic.length).equals(xerialMagic);
}

// asBuffer: true makes both return a Buffer; the typings cannot say so
async function uncompressBlock(block: Buffer): Promise<Buffer> {
  return (await uncompress(block, { asBuffer: true })) as Buffer;
}

function uncompressBlockSync(block: Buffer): Buffer {
  return uncompressSync(block, { asBuffer: true }) as Buffer;
}

async function unframeXerial(framed: Buffer): Promise<Buffer> {
  if (framed.length < xerialHeaderLength) throw new CodecError('DECOMPRESS_FAILED', 'snappy: truncated xerial header');
  const blocks: Buffer[] = [];
  let offset = xerialHeaderLength;
  while (offset < framed.length) {
    if (offset + chunkLengthBytes > framed.length) {
      throw new CodecError('DECOMPRESS_FAILED', `snappy: truncated xerial chunk length at byte ${offset}`);
    }
    const length = framed.readUInt32BE(offset);
    offset += chunkLengthBytes;
    if (offset + length > framed.length) {
      throw new CodecError('DECOMPRESS_FAILED', `snappy: xerial chunk of ${length} bytes overruns the buffer`);
    }
    blocks.push(framed.subarray(offset, offset + length));
    offset += length;
  }
  // large frames go to the libuv pool, where the chunks decompress in parallel
  const parts =
    framed.length <= syncMaxBytes ? blocks.map(uncompressBlockSync) : await Promise.all(blocks.map(uncompressBlock));
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/** Snappy as Kafka uses it: writes raw snappy blocks, reads raw and xerial-framed input. */
export const snappyCompression: CompressionCodec = {
  name: 'snappy',
  async compress(raw) {
    return raw.length <= syncMaxBytes ? compressSync(raw) : compress(raw);
  },
  async decompress(compressed) {
    try {
      if (isXerialFramed(compressed)) return await unframeXerial(compressed);
      return compressed.length <= syncMaxBytes ? uncompressBlockSync(compressed) : await uncompressBlock(compressed);
    } catch (error) {
      throw decompressFailed('snappy', error);
    }
  },
};
