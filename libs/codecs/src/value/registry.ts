import { CodecError } from '../errors.js';
import { bytesCodec } from './bytes-codec.js';
import { codecNames, type Codec, type CodecName, type CodecValueTypes } from './codec.js';
import { codecNameForContentType, headerText, type HeaderValue } from './content-type.js';
import { jsonCodec } from './json-codec.js';
import { msgpackCodec } from './msgpack-codec.js';
import { stringCodec } from './string-codec.js';

/** The built-in codecs by name. */
export const codecs: { readonly [N in CodecName]: Codec<CodecValueTypes[N]> } = Object.freeze({
  json: jsonCodec,
  msgpack: msgpackCodec,
  string: stringCodec,
  bytes: bytesCodec,
});

export function isCodecName(value: unknown): value is CodecName {
  return typeof value === 'string' && (codecNames as readonly string[]).includes(value);
}

/**
 * The codec with this name. Meant for names from configuration: an unknown name throws a
 * `CodecError` (`UNKNOWN_CODEC`) that lists the valid ones.
 */
export function getCodec<N extends CodecName>(name: N): Codec<CodecValueTypes[N]>;
export function getCodec(name: string): Codec;
export function getCodec(name: string): Codec {
  if (!isCodecName(name)) {
    throw new CodecError('UNKNOWN_CODEC', `unknown codec "${name}" (expected one of: ${codecNames.join(', ')})`);
  }
  return codecs[name];
}

/**
 * The codec a `content-type` header value names (see `codecNameForContentType` for the
 * matching rules), or undefined when the value is absent, empty or names no codec of ours.
 */
export function codecForContentType(headerValue: HeaderValue): Codec | undefined {
  const text = headerText(headerValue);
  if (text === undefined) return undefined;
  const name = codecNameForContentType(text);
  return name === undefined ? undefined : codecs[name];
}
