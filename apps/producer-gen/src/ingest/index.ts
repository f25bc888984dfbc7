export * from './ingest-config.js';
export * from './ingest-errors.js';
export * from './ingest-service.js';
export { VALUE_ENCODINGS, type ValueEncoding } from './value-encoding.js';
export type { IngestRecordInput, IngestRequestInput } from './ingest-request.js';
export type { RecordPosition } from './record-offsets.js';
