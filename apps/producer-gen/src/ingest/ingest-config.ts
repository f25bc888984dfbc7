import { compressionNames, type CompressionName } from '@lagscale/codecs';
import { AppError, ConfigError, collectEnv, envVar, optionalEnvVar, parsers, validateTopicName, type EnvValues } from '@lagscale/kafka-core';
import { VALUE_ENCODINGS, type ValueEncoding } from './value-encoding.js';

/**
 * Acknowledgement levels the gateway offers. `0` is not one of them: the response promises an
 * offset per record, and without an acknowledgement there is none to give.
 */
export const INGEST_ACKS = ['all', '1'] as const;
export type IngestAcks = (typeof INGEST_ACKS)[number];

/** Settings of the HTTP ingest gateway (`producer-gen serve`). */
export interface IngestConfig {
  host: string;
  port: number;
  maxRecordsPerRequest: number;
  /** Limit on one record's encoded value. */
  maxRecordBytes: number;
  /** Limit on the raw request body. */
  maxRequestBytes: number;
  /** When set, every ingest request needs `Authorization: Bearer <token>`. */
  authToken: string | undefined;
  /** When set, only these topics accept records. */
  allowedTopics: readonly string[] | undefined;
  acks: IngestAcks;
  compression: CompressionName;
  /** How values are encoded when neither the request nor the record says. */
  defaultValueEncoding: ValueEncoding;
  /** The longest a request waits for Kafka (metadata and acknowledgement) before a 503. */
  requestTimeoutMs: number;
  /** The `Retry-After` a 503 carries. */
  retryAfterSeconds: number;
  /** How long a topic's partition count is trusted before it is looked up again. */
  metadataMaxAgeMs: number;
  /** Where records without a partition go: murmur2, round-robin, random, or a module path. */
  partitioner: string;
}

export const defaultIngestConfig = {
  host: '127.0.0.1',
  port: 8_080,
  maxRecordsPerRequest: 1_000,
  maxRecordBytes: 256 * 1_024,
  // Kafka's default message.max.bytes is about 1 MiB per partition batch; a body of at most
  // that size keeps a single-partition request under it in all but contrived cases.
  maxRequestBytes: 1_024 * 1_024,
  authToken: undefined,
  allowedTopics: undefined,
  acks: 'all',
  compression: 'none',
  defaultValueEncoding: 'json',
  requestTimeoutMs: 10_000,
  retryAfterSeconds: 5,
  metadataMaxAgeMs: 30_000,
  partitioner: 'murmur2',
} satisfies IngestConfig;

const d = defaultIngestConfig;

/** Every ingest setting; the variable names live here and nowhere else. */
export const ingestEnv = {
  host: envVar('INGEST_HOST', parsers.string(), { description: 'Address the ingest HTTP server listens on', default: d.host }),
  port: envVar('INGEST_PORT', parsers.int(0, 65_535), {
    description: 'Port of the ingest HTTP server (also /metrics, /healthz, /readyz); 0 picks a free one',
    default: d.port,
  }),
  maxRecordsPerRequest: envVar('INGEST_MAX_RECORDS_PER_REQUEST', parsers.int(1, 1_000_000), {
    description: 'Most records one request may carry (more: 413 TOO_MANY_RECORDS)',
    default: d.maxRecordsPerRequest,
  }),
  maxRecordBytes: envVar('INGEST_MAX_RECORD_BYTES', parsers.int(1, 100 * 1_024 * 1_024), {
    description: 'Largest encoded record value in bytes (larger: 413 RECORD_TOO_LARGE)',
    default: d.maxRecordBytes,
  }),
  maxRequestBytes: envVar('INGEST_MAX_REQUEST_BYTES', parsers.int(1, 100 * 1_024 * 1_024), {
    description: 'Largest request body in bytes (larger: 413 BODY_TOO_LARGE)',
    default: d.maxRequestBytes,
  }),
  authToken: optionalEnvVar('INGEST_AUTH_TOKEN', parsers.string(), {
    description: 'Bearer token required on ingest requests (unset: no authentication)',
    secret: true,
  }),
  allowedTopics: optionalEnvVar('INGEST_ALLOWED_TOPICS', parsers.list(), {
    description: 'Comma-separated topics that accept records (unset: every existing topic)',
  }),
  acks: envVar('INGEST_ACKS', parsers.oneOf(INGEST_ACKS), {
    description: 'Acknowledgement awaited before answering: all (every in-sync replica) or 1 (the leader)',
    default: d.acks,
  }),
  compression: envVar('INGEST_COMPRESSION', parsers.oneOf(compressionNames), {
    description: `Compression of produced batches: ${compressionNames.join(', ')}`,
    default: d.compression,
  }),
  defaultValueEncoding: envVar('INGEST_DEFAULT_VALUE_ENCODING', parsers.oneOf(VALUE_ENCODINGS), {
    description: `Value encoding when a request names none: ${VALUE_ENCODINGS.join(', ')}`,
    default: d.defaultValueEncoding,
  }),
  requestTimeoutMs: envVar('INGEST_REQUEST_TIMEOUT_MS', parsers.int(100, 300_000), {
    description: 'Longest a request waits for Kafka before answering 503 (ms)',
    default: d.requestTimeoutMs,
  }),
  retryAfterSeconds: envVar('INGEST_RETRY_AFTER_S', parsers.int(1, 3_600), {
    description: 'Retry-After (seconds) sent with 503 responses',
    default: d.retryAfterSeconds,
  }),
  metadataMaxAgeMs: envVar('INGEST_METADATA_MAX_AGE_MS', parsers.int(0, 3_600_000), {
    description: 'How long a topic partition count is cached (ms)',
    default: d.metadataMaxAgeMs,
  }),
  partitioner: envVar('INGEST_PARTITIONER', parsers.string(), {
    description: 'Partition of records that name none: murmur2 (by key, as the Java client), round-robin, random, or the path of a module exporting a partitioner',
    default: d.partitioner,
  }),
};

function topicNameProblem(topic: string): string | undefined {
  try {
    validateTopicName(topic);
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.message : String(err);
  }
}

/** The rules that tie ingest settings together; one message per problem, naming the variable. */
export function validateIngestConfig(config: IngestConfig): string[] {
  const problems: string[] = [];
  if (config.maxRecordBytes > config.maxRequestBytes) {
    problems.push(
      `${ingestEnv.maxRecordBytes.name} must not exceed ${ingestEnv.maxRequestBytes.name} (got ${config.maxRecordBytes} > ${config.maxRequestBytes})`,
    );
  }
  if (config.allowedTopics !== undefined) {
    if (config.allowedTopics.length === 0) problems.push(`${ingestEnv.allowedTopics.name} must name at least one topic when set`);
    for (const topic of config.allowedTopics) {
      const problem = topicNameProblem(topic);
      if (problem !== undefined) problems.push(`${ingestEnv.allowedTopics.name}: ${problem}`);
    }
  }
  return problems;
}

/**
 * Reads the ingest settings from the environment (or an env-like object merged from CLI flags).
 * Throws one ConfigError listing every bad variable.
 */
export function loadIngestConfig(source: Record<string, string | undefined> = process.env): IngestConfig {
  const { values, problems } = collectEnv(ingestEnv, source);
  if (problems.length > 0) throw new ConfigError(problems);
  // No problems means every setting parsed (each has a default or is optional).
  const env = values as EnvValues<typeof ingestEnv>;
  const config: IngestConfig = {
    host: env.host,
    port: env.port,
    maxRecordsPerRequest: env.maxRecordsPerRequest,
    maxRecordBytes: env.maxRecordBytes,
    maxRequestBytes: env.maxRequestBytes,
    authToken: env.authToken,
    allowedTopics: env.allowedTopics,
    acks: env.acks,
    compression: env.compression,
    defaultValueEncoding: env.defaultValueEncoding,
    requestTimeoutMs: env.requestTimeoutMs,
    retryAfterSeconds: env.retryAfterSeconds,
    metadataMaxAgeMs: env.metadataMaxAgeMs,
    partitioner: env.partitioner,
  };
  const crossProblems = validateIngestConfig(config);
  if (crossProblems.length > 0) throw new ConfigError(crossProblems);
  return config;
}

/** The config with the token masked, for a startup log line. */
export function redactIngestConfig(config: IngestConfig): Record<string, unknown> {
  return { ...config, authToken: config.authToken === undefined ? undefined : '<redacted>' };
}
