import { CONTENT_TYPE_HEADER, jsonCodec } from '@lagscale/codecs';
import type { ScannedBody, ScannedRecord } from './body-scan.js';
import { IngestError } from './ingest-errors.js';
import type { IngestRequestInput } from './ingest-request.js';
import { encodeValue, type ValueEncoding } from './value-encoding.js';

/** A validated record, its value encoded and its content type stamped, not yet placed. */
export interface EncodedRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** The partition the client asked for, if any. */
  partition: number | undefined;
}

export interface EncodeRecordsOptions {
  defaultValueEncoding: ValueEncoding;
  maxRecordBytes: number;
}

/**
 * Encodes every value (record encoding, else the request's, else the default) and stamps the
 * codec's content type. Throws INVALID_VALUE or RECORD_TOO_LARGE naming the record's index.
 */
export function encodeRecords(request: IngestRequestInput, options: EncodeRecordsOptions): EncodedRecord[] {
  const requestEncoding = request.valueEncoding ?? options.defaultValueEncoding;
  return request.records.map((record, index) => {
    const encoded = encodeValue(record.value, record.valueEncoding ?? requestEncoding);
    if (!encoded.ok) throw new IngestError('INVALID_VALUE', `records[${index}].value ${encoded.problem}`);
    if (encoded.bytes.length > options.maxRecordBytes) {
      throw new IngestError(
        'RECORD_TOO_LARGE',
        `records[${index}].value is ${encoded.bytes.length} bytes encoded; the limit is ${options.maxRecordBytes} bytes per record`,
      );
    }
    return {
      key: record.key ?? null,
      value: encoded.bytes,
      headers: { ...record.headers, [CONTENT_TYPE_HEADER]: encoded.contentType },
      partition: record.partition,
    };
  });
}

/**
 * The same records from a scanned body (see body-scan.ts), or undefined when one of them would be
 * refused: the caller then takes the reference path, whose error names it. A JSON value sent
 * compact is stored as the client's own bytes (a view of the body, not a copy); anything else is
 * decoded and encoded as in `encodeRecords`.
 */
export function encodeScannedRecords(body: ScannedBody, options: EncodeRecordsOptions): EncodedRecord[] | undefined {
  const requestEncoding = body.valueEncoding ?? options.defaultValueEncoding;
  const { bytes } = body;
  const out = new Array<EncodedRecord>(body.records.length);
  for (let i = 0; i < body.records.length; i += 1) {
    const record = body.records[i] as ScannedRecord;
    const encoding = record.valueEncoding ?? requestEncoding;
    let value: Buffer;
    let contentType: string;
    if (encoding === 'json' && record.valueCompact) {
      value = bytes.subarray(record.valueStart, record.valueEnd);
      contentType = jsonCodec.contentType;
    } else {
      const encoded = encodeValue(JSON.parse(bytes.toString('utf8', record.valueStart, record.valueEnd)), encoding);
      if (!encoded.ok) return undefined;
      value = encoded.bytes;
      contentType = encoded.contentType;
    }
    if (value.length > options.maxRecordBytes) return undefined;
    // The scanner built this object for this record alone: it takes the content type in place.
    const headers = record.headers ?? {};
    headers[CONTENT_TYPE_HEADER] = contentType;
    out[i] = { key: record.key, value, headers, partition: record.partition };
  }
  return out;
}
