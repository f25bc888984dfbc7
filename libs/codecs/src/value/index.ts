// The value codecs without the compression codecs: what worker threads need to decode and encode
// record values. Importing this entry loads no kafkajs (the compression registration does).
export {
  CodecDecodeError,
  CodecError,
  codecErrorCodes,
  decodeErrorCodes,
  type CodecErrorCode,
  type DecodeErrorCode,
} from '../errors.js';
export { codecNames, type Codec, type CodecName, type CodecValueTypes } from './codec.js';
export { jsonCodec } from './json-codec.js';
export { msgpackCodec } from './msgpack-codec.js';
export { stringCodec } from './string-codec.js';
export { bytesCodec } from './bytes-codec.js';
export { CONTENT_TYPE_HEADER, codecNameForContentType, type HeaderValue, type RecordHeaders } from './content-type.js';
export { codecForContentType, codecs, getCodec, isCodecName } from './registry.js';
export { decodeRecordValue, safeDecode, type DecodeFailure, type DecodeResult, type RecordDecodeResult } from './decode.js';
