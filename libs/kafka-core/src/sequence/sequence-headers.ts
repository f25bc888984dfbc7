import type { IHeaders } from 'kafkajs';

/** Header names of the sequence stamp, the one place they are spelled. */
export const SEQUENCE_HEADERS = {
  producerId: 'lagscale-producer-id',
  seq: 'lagscale-seq',
  keySeq: 'lagscale-key-seq',
} as const;

/**
 * Where a record sits in its producer's output: `seq` counts every record of the producer from 0,
 * `keySeq` counts the producer's records with the same key from 0.
 */
export interface SequenceStamp {
  producerId: string;
  seq: number;
  keySeq: number;
}

type HeaderValue = IHeaders[string];

// 15 decimal digits stay below 2^53, so every accepted value is an exact integer.
const MAX_DIGITS = 15;

/**
 * Writes the stamp into `headers` (mutated and returned). Values are strings, which kafkajs
 * encodes as UTF-8; called once per record on the producer's hot path.
 */
export function stampSequence(headers: IHeaders, stamp: SequenceStamp): IHeaders {
  headers[SEQUENCE_HEADERS.producerId] = stamp.producerId;
  headers[SEQUENCE_HEADERS.seq] = String(stamp.seq);
  headers[SEQUENCE_HEADERS.keySeq] = String(stamp.keySeq);
  return headers;
}

// A repeated header arrives as an array; the last one wins, like Java's `Headers.lastHeader`.
function lastValue(value: HeaderValue): Buffer | string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

// Parses digits straight from the bytes: the verifier reads millions of headers and a string
// per value would be most of its cost.
function parseCount(value: Buffer | string | undefined): number | undefined {
  if (value === undefined || value.length === 0 || value.length > MAX_DIGITS) return undefined;
  let result = 0;
  if (typeof value === 'string') {
    for (let i = 0; i < value.length; i += 1) {
      const digit = value.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      result = result * 10 + digit;
    }
  } else {
    for (let i = 0; i < value.length; i += 1) {
      const digit = value[i]! - 48;
      if (digit < 0 || digit > 9) return undefined;
      result = result * 10 + digit;
    }
  }
  return result;
}

function parseProducerId(value: Buffer | string | undefined): string | undefined {
  if (value === undefined || value.length === 0) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/**
 * The stamp in a record's headers, or undefined when any part is missing or not a
 * non-negative decimal integer. Never throws: records come from anywhere.
 */
export function readSequence(headers: IHeaders | undefined): SequenceStamp | undefined {
  if (headers === undefined) return undefined;
  const seq = parseCount(lastValue(headers[SEQUENCE_HEADERS.seq]));
  if (seq === undefined) return undefined;
  const keySeq = parseCount(lastValue(headers[SEQUENCE_HEADERS.keySeq]));
  if (keySeq === undefined) return undefined;
  const producerId = parseProducerId(lastValue(headers[SEQUENCE_HEADERS.producerId]));
  if (producerId === undefined) return undefined;
  return { producerId, seq, keySeq };
}
