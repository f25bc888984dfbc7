import type { CodecName } from './codec.js';

/** The record header producers stamp and consumers read to choose a codec (lower case). */
export const CONTENT_TYPE_HEADER = 'content-type';

/** One header value as kafkajs hands it over (a repeated header arrives as an array). */
export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** Record headers, structurally kafkajs's `IHeaders`. */
export type RecordHeaders = Readonly<Record<string, HeaderValue>>;

const mediaTypes = new Map<string, CodecName>([
  ['application/json', 'json'],
  ['application/msgpack', 'msgpack'],
  ['application/x-msgpack', 'msgpack'],
  ['application/vnd.msgpack', 'msgpack'],
  ['text/plain', 'string'],
  ['application/octet-stream', 'bytes'],
]);

// The exact strings our own producers stamp skip parsing: that is nearly every record.
const exactHeaders = new Map<string, CodecName>([
  ...mediaTypes,
  ['text/plain; charset=utf-8', 'string'],
  ['application/json; charset=utf-8', 'json'],
]);

// ASCII is a subset of UTF-8, so the string codec reads it as is.
const utf8Charsets = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * Which codec a content-type value names, or undefined when we have none for it. Tolerant of
 * case, whitespace and parameters (`Application/JSON; charset=UTF-8`); a `+json` suffix
 * (`application/vnd.acme.event+json`) is JSON. `text/plain` with a charset other than UTF-8
 * or ASCII is not ours: decoding it as UTF-8 would corrupt it.
 */
export function codecNameForContentType(value: string): CodecName | undefined {
  const exact = exactHeaders.get(value);
  if (exact !== undefined) return exact;

  const semicolon = value.indexOf(';');
  const mediaType = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const name = mediaTypes.get(mediaType) ?? (mediaType.endsWith('+json') ? 'json' : undefined);
  if (name !== 'string' || semicolon === -1) return name;

  const charset = parameter(value.slice(semicolon + 1), 'charset');
  return charset === undefined || utf8Charsets.has(charset) ? name : undefined;
}

/**
 * The text of a header value: a Buffer is read as latin1 (header values we care about are
 * ASCII, and latin1 cannot fail), a repeated header yields its last value, as Java's
 * `Headers.lastHeader` does. Absent, null and empty values are undefined.
 */
export function headerText(value: HeaderValue | null): string | undefined {
  if (value == null) return undefined;
  if (Array.isArray(value)) return headerText(value[value.length - 1]);
  const text = typeof value === 'string' ? value : value.toString('latin1');
  return text === '' ? undefined : text;
}

// Lower-cased, unquoted value of one `; key=value` parameter.
function parameter(parameters: string, key: string): string | undefined {
  for (const part of parameters.split(';')) {
    const equals = part.indexOf('=');
    if (equals === -1 || part.slice(0, equals).trim().toLowerCase() !== key) continue;
    return part
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}
