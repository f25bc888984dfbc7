/** The value codecs this package ships; also the accepted values of codec settings. */
export const codecNames = ['json', 'msgpack', 'string', 'bytes'] as const;

export type CodecName = (typeof codecNames)[number];

/**
 * Turns a record value into bytes and back.
 *
 * - `encode` validates its input and throws a `CodecError` with code `INVALID_VALUE` when the
 *   value cannot be represented (a programmer error at our boundary).
 * - `decode` throws a `CodecDecodeError` on bad bytes; code that handles bytes from the wire
 *   calls `safeDecode` / `decodeRecordValue` instead, which never throw.
 * - `contentType` is what producers stamp in the record's `content-type` header.
 */
export interface Codec<T = unknown> {
  readonly name: CodecName;
  readonly contentType: string;
  encode(value: T): Buffer;
  decode(bytes: Buffer): T;
}

/** The value type each built-in codec encodes and decodes. */
export interface CodecValueTypes {
  json: unknown;
  msgpack: unknown;
  string: string;
  bytes: Buffer;
}
