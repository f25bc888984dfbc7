import { CodecDecodeError, errorMessage } from '../errors.js';
import type { Codec } from './codec.js';
import { CONTENT_TYPE_HEADER, codecNameForContentType, headerText, type RecordHeaders } from './content-type.js';
import { codecs } from './registry.js';

/** The outcome of decoding untrusted bytes: a value, or the reason it could not be had. */
export type DecodeResult<T> = { readonly ok: true; readonly value: T } | DecodeFailure;

export interface DecodeFailure {
  readonly ok: false;
  readonly error: CodecDecodeError;
}

/**
 * The outcome of decoding a Kafka record value. A tombstone (null value: "delete this key")
 * is a success of its own kind, so handlers branch on it instead of catching anything.
 */
export type RecordDecodeResult<T = unknown> =
  | { readonly ok: true; readonly tombstone: false; readonly value: T }
  | { readonly ok: true; readonly tombstone: true; readonly value: null }
  | DecodeFailure;

/**
 * Decodes bytes from the wire and never throws: whatever the codec throws becomes a failed
 * result carrying a `CodecDecodeError` (code `DECODE_FAILED` or `EMPTY_VALUE`).
 */
export function safeDecode<T>(codec: Codec<T>, bytes: Buffer): DecodeResult<T> {
  try {
    return { ok: true, value: codec.decode(bytes) };
  } catch (error) {
    return { ok: false, error: toDecodeError(error, codec, bytes) };
  }
}

/**
 * Decodes a record value with the codec its `content-type` header names, or with `fallback`
 * when the record has no such header (or an empty one). Never throws:
 * - a null value is `{ ok: true, tombstone: true, value: null }`, whatever the headers say;
 * - a header naming no codec of ours fails with `UNKNOWN_CONTENT_TYPE` (guessing would
 *   mis-read the bytes), carrying the header's text as `contentType`;
 * - bytes the codec rejects fail as in `safeDecode`.
 */
export function decodeRecordValue(
  value: Buffer | null,
  headers: RecordHeaders | undefined,
  fallback: Codec,
): RecordDecodeResult {
  // `== null`: kafkajs types say Buffer | null, but a JS caller may hand us undefined
  if (value == null) return { ok: true, tombstone: true, value: null };

  let codec = fallback;
  const contentType = headerText(headers?.[CONTENT_TYPE_HEADER]);
  if (contentType !== undefined) {
    const name = codecNameForContentType(contentType);
    if (name === undefined) {
      const error = new CodecDecodeError('UNKNOWN_CONTENT_TYPE', contentType, 'no codec for this content type');
      return { ok: false, error };
    }
    codec = codecs[name];
  }

  try {
    return { ok: true, tombstone: false, value: codec.decode(value) };
  } catch (error) {
    return { ok: false, error: toDecodeError(error, codec, value) };
  }
}

// Our codecs throw CodecDecodeError already; anything else (a custom codec, a bug) is wrapped.
function toDecodeError(error: unknown, codec: Codec<unknown>, bytes: Buffer): CodecDecodeError {
  if (error instanceof CodecDecodeError) return error;
  const code = Buffer.isBuffer(bytes) && bytes.length === 0 ? 'EMPTY_VALUE' : 'DECODE_FAILED';
  return new CodecDecodeError(code, codec.contentType, errorMessage(error), { cause: error });
}
