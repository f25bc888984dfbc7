import { CONTENT_TYPE_HEADER, jsonCodec } from '@lagscale/codecs/value';
import { SEQUENCE_HEADERS } from '@lagscale/kafka-core/thread';
import type { HandlerOutput, HandlerRecord } from './handler.js';

const sequenceHeaderNames = Object.values(SEQUENCE_HEADERS);

/**
 * The input's sequence stamp headers (producer id, seq, key seq), to copy onto an output so
 * the sequence verifier can check the output topic. Empty when the input has none.
 */
export function sequenceHeadersOf(record: HandlerRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of sequenceHeaderNames) {
    const value = record.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/**
 * The input record as an output, byte for byte: same key, same value bytes and content type,
 * and its sequence headers. `overrides` may name another topic or add headers.
 */
export function passThrough(record: HandlerRecord, overrides: Pick<HandlerOutput, 'topic' | 'headers'> = {}): HandlerOutput {
  const headers: Record<string, string | Buffer> = sequenceHeadersOf(record);
  // a record without a content type was read as JSON (the worker's fallback): say so, or the
  // bytes codec's octet-stream type would change how the output topic is read
  headers[CONTENT_TYPE_HEADER] = record.headers[CONTENT_TYPE_HEADER] ?? jsonCodec.contentType;
  Object.assign(headers, overrides.headers);
  const output: HandlerOutput = { key: record.key, value: record.rawValue, codec: 'bytes', headers };
  if (overrides.topic !== undefined) output.topic = overrides.topic;
  return output;
}
