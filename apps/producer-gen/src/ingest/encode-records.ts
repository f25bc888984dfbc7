import { CONTENT_TYPE_HEADER } from '@lagscale/codecs';
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
