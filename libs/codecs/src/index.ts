export {
  CodecDecodeError,
  CodecError,
  codecErrorCodes,
  decodeErrorCodes,
  type CodecErrorCode,
  type DecodeErrorCode,
} from './errors.js';
export { codecNames, type Codec, type CodecName, type CodecValueTypes } from './value/codec.js';
export { jsonCodec } from './value/json-codec.js';
export { msgpackCodec } from './value/msgpack-codec.js';
export { stringCodec } from './value/string-codec.js';
export { bytesCodec } from './value/bytes-codec.js';
export {
  CONTENT_TYPE_HEADER,
  codecNameForContentType,
  type HeaderValue,
  type RecordHeaders,
} from './value/content-type.js';
export { codecForContentType, codecs, getCodec, isCodecName } from './value/registry.js';
export {
  decodeRecordValue,
  safeDecode,
  type DecodeFailure,
  type DecodeResult,
  type RecordDecodeResult,
} from './value/decode.js';
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
