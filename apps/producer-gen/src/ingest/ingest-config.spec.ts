import { describe, expect, it } from 'vitest';
import { ConfigError } from '@lagscale/kafka-core';
import { defaultIngestConfig, loadIngestConfig, redactIngestConfig } from './ingest-config.js';

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadIngestConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadIngestConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadIngestConfig({})).toEqual(defaultIngestConfig);
  });

  it('reads every variable', () => {
    expect(
      loadIngestConfig({
        INGEST_HOST: '0.0.0.0',
        INGEST_PORT: '9000',
        INGEST_MAX_RECORDS_PER_REQUEST: '50',
        INGEST_MAX_RECORD_BYTES: '1000',
        INGEST_MAX_REQUEST_BYTES: '5000',
        INGEST_AUTH_TOKEN: 'secret',
        INGEST_ALLOWED_TOPICS: 'a, b.c ,',
        INGEST_ACKS: '1',
        INGEST_COMPRESSION: 'zstd',
        INGEST_DEFAULT_VALUE_ENCODING: 'base64',
        INGEST_REQUEST_TIMEOUT_MS: '2500',
        INGEST_RETRY_AFTER_S: '3',
        INGEST_METADATA_MAX_AGE_MS: '0',
        INGEST_PARTITIONER: './partitioners/by-region.mjs',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9_000,
      maxRecordsPerRequest: 50,
      maxRecordBytes: 1_000,
      maxRequestBytes: 5_000,
      authToken: 'secret',
      allowedTopics: ['a', 'b.c'],
      acks: '1',
      compression: 'zstd',
      defaultValueEncoding: 'base64',
      requestTimeoutMs: 2_500,
      retryAfterSeconds: 3,
      metadataMaxAgeMs: 0,
      partitioner: './partitioners/by-region.mjs',
    });
  });

  it.each([
    { env: { INGEST_PORT: 'http' }, problem: 'INGEST_PORT must be an integer from 0 to 65535 (got "http")' },
    { env: { INGEST_MAX_RECORDS_PER_REQUEST: '0' }, problem: 'INGEST_MAX_RECORDS_PER_REQUEST must be an integer from 1 to 1000000 (got "0")' },
    { env: { INGEST_ACKS: '0' }, problem: 'INGEST_ACKS must be one of all, 1 (got "0")' },
    { env: { INGEST_COMPRESSION: 'brotli' }, problem: 'INGEST_COMPRESSION must be one of none, gzip, snappy, lz4, zstd (got "brotli")' },
    { env: { INGEST_DEFAULT_VALUE_ENCODING: 'xml' }, problem: 'INGEST_DEFAULT_VALUE_ENCODING must be one of json, msgpack, string, base64 (got "xml")' },
    {
      env: { INGEST_MAX_RECORD_BYTES: '2000', INGEST_MAX_REQUEST_BYTES: '1000' },
      problem: 'INGEST_MAX_RECORD_BYTES must not exceed INGEST_MAX_REQUEST_BYTES (got 2000 > 1000)',
    },
    { env: { INGEST_ALLOWED_TOPICS: ',' }, problem: 'INGEST_ALLOWED_TOPICS must name at least one topic when set' },
    { env: { INGEST_ALLOWED_TOPICS: 'ok,bad topic' }, problem: 'INGEST_ALLOWED_TOPICS: invalid topic name "bad topic": use 1–249 characters from a-z A-Z 0-9 . _ -' },
  ])('$problem', ({ env, problem }) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('lists every bad variable at once and never echoes the token', () => {
    const problems = problemsOf({ INGEST_PORT: 'x', INGEST_ACKS: 'some' });
    expect(problems).toHaveLength(2);
    expect(JSON.stringify(redactIngestConfig(loadIngestConfig({ INGEST_AUTH_TOKEN: 'hunter2' })))).not.toContain('hunter2');
  });
});
