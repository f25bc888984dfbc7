// kafkajs is CommonJS and Node's ESM loader cannot see these two as named exports.
import kafkajs, { type CompressionTypes as CompressionType } from 'kafkajs';
import { CodecError } from '../errors.js';
import { compressionNames, type CompressionCodec, type CompressionName } from './compression-codec.js';
import { lz4Compression } from './lz4.js';
import { isCompressionName } from './registry.js';
import { snappyCompression } from './snappy.js';
import { zstdCompression } from './zstd.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;

// kafkajs's contract: CompressionCodecs[type] is a factory it calls for every batch, returning
// { compress(encoder), decompress(buffer) } where encoder.buffer holds the raw record bytes
// (see kafkajs src/protocol/message/compression/gzip.js). The factories return one shared
// object, so a batch costs no allocation here.
interface KafkajsEncoder {
  readonly buffer: Buffer;
}

function kafkajsFactory(codec: CompressionCodec) {
  const adapter = {
    compress: (encoder: KafkajsEncoder) => codec.compress(encoder.buffer),
    decompress: (buffer: Buffer) => codec.decompress(buffer),
  };
  return () => adapter;
}

const factories = {
  [CompressionTypes.Snappy]: kafkajsFactory(snappyCompression),
  [CompressionTypes.LZ4]: kafkajsFactory(lz4Compression),
  [CompressionTypes.ZSTD]: kafkajsFactory(zstdCompression),
} as const;

/**
 * Registers snappy, lz4 and zstd on kafkajs's global `CompressionCodecs` (kafkajs ships gzip
 * only). Idempotent: calling it again installs the same factories. Call it once at start-up,
 * before the first produce or fetch of a compressed batch.
 */
export function registerCompressionCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = factories[CompressionTypes.Snappy];
  CompressionCodecs[CompressionTypes.LZ4] = factories[CompressionTypes.LZ4];
  CompressionCodecs[CompressionTypes.ZSTD] = factories[CompressionTypes.ZSTD];
}

const compressionTypes = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
} as const satisfies Record<CompressionName, CompressionType>;

/**
 * The kafkajs `CompressionTypes` value for a Kafka `compression.type` name. An unknown name
 * throws a `CodecError` (`UNKNOWN_COMPRESSION`) that lists the valid ones.
 */
export function compressionTypeFromName(name: string): CompressionType {
  if (!isCompressionName(name)) {
    throw new CodecError(
      'UNKNOWN_COMPRESSION',
      `unknown compression "${name}" (expected one of: ${compressionNames.join(', ')})`,
    );
  }
  return compressionTypes[name];
}
