import { z } from 'zod';
import { CONTENT_TYPE_HEADER } from '@lagscale/codecs';
import { IngestError } from './ingest-errors.js';
import { VALUE_ENCODINGS, type ValueEncoding } from './value-encoding.js';

/** One record as a client sends it. */
export interface IngestRecordInput {
  key?: string | null | undefined;
  value: unknown;
  headers?: Record<string, string> | undefined;
  partition?: number | undefined;
  valueEncoding?: ValueEncoding | undefined;
}

/** The body of `POST /v1/topics/:topic/records`. */
export interface IngestRequestInput {
  records: IngestRecordInput[];
  valueEncoding?: ValueEncoding | undefined;
}

// Messages complete "<path> …"; a missing field reads "<path> is required".
const orRequired =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : message;

const encodingSchema = z.enum(VALUE_ENCODINGS, { error: `must be one of ${VALUE_ENCODINGS.join(', ')}` });

const nonNegativeInt = 'must be a non-negative integer';

const headersSchema = z
  .record(z.string(), z.string({ error: 'must be a string' }), { error: 'must be an object of string values' })
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      // Kafka header names are case-sensitive, but a `Content-Type` next to ours would only confuse.
      if (name.toLowerCase() === CONTENT_TYPE_HEADER) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is reserved: the gateway sets it from valueEncoding' });
      }
    }
  });

const recordSchema = z.strictObject(
  {
    key: z.string({ error: 'must be a string or null' }).nullable().optional(),
    value: z.unknown(),
    headers: headersSchema.optional(),
    partition: z.int({ error: nonNegativeInt }).min(0, { error: nonNegativeInt }).optional(),
    valueEncoding: encodingSchema.optional(),
  },
  { error: orRequired('must be an object with a value') },
);

/** The zod schema of a request body (the reference the fast check is held to). */
export function requestSchema(maxRecords: number) {
  return z.strictObject(
    {
      records: z.array(recordSchema, { error: orRequired('must be an array of records') }).min(1).max(maxRecords),
      valueEncoding: encodingSchema.optional(),
    },
    { error: 'must be a JSON object with a records array' },
  );
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_FIELDS_SHOWN = 5;

/** `records[3].partition`, `records[0].headers["content-type"]`; the whole body is `body`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part).slice(0, 100))}]`;
  }
  return out === '' ? 'body' : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    // Names come from the client: a few, shortened, are enough to spot the typo.
    const shown = issue.keys.slice(0, MAX_FIELDS_SHOWN).map((key) => JSON.stringify(key.slice(0, 100)));
    const more = issue.keys.length > MAX_FIELDS_SHOWN ? ` and ${issue.keys.length - MAX_FIELDS_SHOWN} more` : '';
    return `${where} has unknown field${issue.keys.length > 1 ? 's' : ''} ${shown.join(', ')}${more}`;
  }
  // zod reports a missing `value` (its schema accepts anything else) as "expected nonoptional".
  if (issue.code === 'invalid_type' && issue.expected === 'nonoptional') return `${where} is required`;
  return `${where} ${issue.message}`;
}

const ENCODINGS: ReadonlySet<unknown> = new Set(VALUE_ENCODINGS);
const RECORD_FIELDS = new Set(['key', 'value', 'headers', 'partition', 'valueEncoding']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function headersAsIs(headers: unknown): boolean {
  if (!isPlainObject(headers)) return false;
  for (const name in headers) {
    if (typeof headers[name] !== 'string' || name.toLowerCase() === CONTENT_TYPE_HEADER) return false;
  }
  return true;
}

function recordAsIs(record: unknown): boolean {
  if (!isPlainObject(record)) return false;
  let hasValue = false;
  for (const field in record) {
    if (!RECORD_FIELDS.has(field)) return false;
    const v = record[field];
    if (v === undefined) continue;
    if (field === 'value') hasValue = true;
    else if (field === 'key') {
      if (v !== null && typeof v !== 'string') return false;
    } else if (field === 'headers') {
      if (!headersAsIs(v)) return false;
    } else if (field === 'partition') {
      if (!Number.isSafeInteger(v) || (v as number) < 0) return false;
    } else if (!ENCODINGS.has(v)) return false;
  }
  return hasValue;
}

/**
 * True when the schema would accept the body exactly as it is: the common case, checked by hand
 * in a fraction of zod's time (zod costs a few µs per record and copies every record). Anything
 * else, valid or not, goes to zod, whose issues name the problem; so this changes speed, never an
 * answer (a spec holds it to the schema on valid and broken bodies alike).
 */
export function acceptsAsIs(body: unknown, maxRecords: number): body is IngestRequestInput {
  if (!isPlainObject(body)) return false;
  for (const field in body) if (field !== 'records' && field !== 'valueEncoding') return false;
  if (body.valueEncoding !== undefined && !ENCODINGS.has(body.valueEncoding)) return false;
  const { records } = body;
  if (!Array.isArray(records) || records.length < 1 || records.length > maxRecords) return false;
  for (const record of records) if (!recordAsIs(record)) return false;
  return true;
}

/** A validator for request bodies; built once per limit, since the schema embeds it. */
export type IngestRequestParser = (body: unknown) => IngestRequestInput;

/**
 * Validates a parsed JSON body. Throws an IngestError naming the first problem's path:
 * EMPTY_BATCH, TOO_MANY_RECORDS, or INVALID_BODY.
 */
export function createRequestParser(limits: { maxRecordsPerRequest: number }): IngestRequestParser {
  const schema = requestSchema(limits.maxRecordsPerRequest);
  return (body) => {
    if (acceptsAsIs(body, limits.maxRecordsPerRequest)) return body;
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issues = result.error.issues;
    const onRecords = (code: string) => issues.some((i) => i.code === code && i.path.length === 1 && i.path[0] === 'records');
    if (onRecords('too_small')) throw new IngestError('EMPTY_BATCH', 'records must hold at least one record');
    if (onRecords('too_big')) {
      const count = (body as { records: unknown[] }).records.length;
      throw new IngestError('TOO_MANY_RECORDS', `records holds ${count} records; at most ${limits.maxRecordsPerRequest} are accepted per request`);
    }
    // A misspelt field also shows up as a missing one; the spelling is the more useful hint.
    const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
    throw new IngestError('INVALID_BODY', first === undefined ? 'body is invalid' : describeIssue(first));
  };
}
