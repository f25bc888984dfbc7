/** Every code a codec error can carry; callers branch on `err.code`, never on the message. */
export const codecErrorCodes = [
  'DECODE_FAILED',
  'UNKNOWN_CONTENT_TYPE',
  'EMPTY_VALUE',
  'INVALID_VALUE',
  'UNKNOWN_CODEC',
  'UNKNOWN_COMPRESSION',
  'DECOMPRESS_FAILED',
] as const;

export type CodecErrorCode = (typeof codecErrorCodes)[number];

/** The codes a failed decode of record bytes can carry (the DLQ reasons). */
export const decodeErrorCodes = [
  'DECODE_FAILED',
  'UNKNOWN_CONTENT_TYPE',
  'EMPTY_VALUE',
] as const satisfies readonly CodecErrorCode[];

export type DecodeErrorCode = (typeof decodeErrorCodes)[number];

/**
 * Base error of this package. `retriable` is always false: bad bytes or a bad value do not get
 * better on retry, so callers route them (DLQ) or fix the caller instead.
 */
export class CodecError extends Error {
  readonly code: CodecErrorCode;
  readonly retriable = false;

  constructor(code: CodecErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CodecError';
    this.code = code;
  }
}

/**
 * Why untrusted record bytes could not be decoded. Returned inside a failed `DecodeResult`
 * (never thrown past `safeDecode` / `decodeRecordValue`), so a consumer can route the record
 * to a DLQ with `code`, `contentType` and `reason` as headers.
 */
export class CodecDecodeError extends CodecError {
  declare readonly code: DecodeErrorCode;
  /** The content type the bytes were decoded as, or the unrecognised header value. */
  readonly contentType: string | undefined;
  /** Short, single-line explanation (bounded length, safe for a header). */
  readonly reason: string;

  constructor(code: DecodeErrorCode, contentType: string | undefined, reason: string, options?: ErrorOptions) {
    // both come from the wire (a header, a parser message): bound them before they reach logs
    const shortType = contentType === undefined ? undefined : shorten(contentType);
    const shortReason = shorten(reason);
    super(code, `cannot decode value as ${shortType ?? '(no content type)'}: ${shortReason}`, options);
    this.name = 'CodecDecodeError';
    this.contentType = shortType;
    this.reason = shortReason;
  }
}

const maxReasonLength = 200;

// Parser messages can be long and quote the input; a DLQ header wants one bounded line.
function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= maxReasonLength ? oneLine : `${oneLine.slice(0, maxReasonLength - 1)}…`;
}

// "number", "null", "array", "Buffer", "Map"…: names the offending value in a message.
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === 'string' && ctor !== '' ? ctor : 'object';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
