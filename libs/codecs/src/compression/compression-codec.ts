import { CodecError, errorMessage } from '../errors.js';

/** Kafka's compression types by the names `compression.type` uses. */
export const compressionNames = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export type CompressionName = (typeof compressionNames)[number];

export type CompressionAlgorithm = Exclude<CompressionName, 'none'>;

/**
 * One Kafka compression algorithm as plain functions over whole buffers, in the wire format
 * Kafka's Java client reads and writes. `decompress` rejects with a `CodecError`
 * (`DECOMPRESS_FAILED`) on corrupt input.
 */
export interface CompressionCodec {
  readonly name: CompressionAlgorithm;
  compress(raw: Buffer): Promise<Buffer>;
  decompress(compressed: Buffer): Promise<Buffer>;
}

// Below this input size the native libraries run on the calling thread: the hop to the libuv
// pool costs more than the work on a typical record batch, and this much synchronous work
// blocks the event loop for well under a millisecond (figures in decision 0013). Larger inputs
// go to the pool.
export const syncMaxBytes = 64 * 1024;

export function decompressFailed(name: CompressionAlgorithm, error: unknown): CodecError {
  if (error instanceof CodecError) return error;
  return new CodecError('DECOMPRESS_FAILED', `${name} decompress failed: ${errorMessage(error)}`, { cause: error });
}
