export * from './value/index.js';
export {
  compressionNames,
  type CompressionAlgorithm,
  type CompressionCodec,
  type CompressionName,
} from './compression/compression-codec.js';
export { gzipCompression } from './compression/gzip.js';
export { snappyCompression } from './compression/snappy.js';
export { LZ4_FRAME_MAGIC, lz4Compression } from './compression/lz4.js';
export { zstdCompression } from './compression/zstd.js';
export { compressionCodecs, isCompressionName } from './compression/registry.js';
export { compressionTypeFromName, registerCompressionCodecs } from './compression/kafkajs.js';
