import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/app-error.js';
import { defaultKafkaConfig, loadKafkaConfig } from './kafka-config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadKafkaConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadKafkaConfig', () => {
  it('gives the defaults for an empty environment', () => {
    expect(loadKafkaConfig({})).toEqual(defaultKafkaConfig);
  });

  it('reads every setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const config = loadKafkaConfig({
      KAFKA_BROKERS: 'a:9092, b:9093',
      KAFKA_CLIENT_ID: 'svc',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      KAFKA_CONNECTION_TIMEOUT_MS: '1000',
      KAFKA_REQUEST_TIMEOUT_MS: '2000',
      KAFKA_RETRIES: '0',
      KAFKA_RETRY_INITIAL_MS: '100',
      KAFKA_RETRY_MAX_MS: '1000',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
    expect(config).toEqual({
      brokers: ['a:9092', 'b:9093'],
      clientId: 'svc',
      ssl: { ca: '-----BEGIN CERTIFICATE-----\n', rejectUnauthorized: false },
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      retry: { retries: 0, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 },
      logLevel: 'debug',
      logFormat: 'json',
    });
  });

  const badRows: Array<{ name: string; env: Record<string, string>; expected: string }> = [
    { name: 'brokers without port', env: { KAFKA_BROKERS: 'localhost' }, expected: 'KAFKA_BROKERS must be a comma-separated list of host:port (got "localhost")' },
    { name: 'empty broker list', env: { KAFKA_BROKERS: ' , ' }, expected: 'KAFKA_BROKERS must list at least one host:port (got " , ")' },
    { name: 'non-numeric timeout', env: { KAFKA_CONNECTION_TIMEOUT_MS: 'abc' }, expected: 'KAFKA_CONNECTION_TIMEOUT_MS must be an integer from 1 to 300000 (got "abc")' },
    { name: 'zero timeout', env: { KAFKA_REQUEST_TIMEOUT_MS: '0' }, expected: 'KAFKA_REQUEST_TIMEOUT_MS must be an integer from 1 to 600000 (got "0")' },
    { name: 'negative retries', env: { KAFKA_RETRIES: '-1' }, expected: 'KAFKA_RETRIES must be an integer from 0 to 100 (got "-1")' },
    { name: 'bad boolean', env: { KAFKA_SSL: 'maybe' }, expected: 'KAFKA_SSL must be true or false (got "maybe")' },
    { name: 'unknown mechanism', env: { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, expected: 'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512 (got "gssapi")' },
    { name: 'mechanism without user', env: { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'p' }, expected: 'KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is set' },
    { name: 'mechanism without password', env: { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, expected: 'KAFKA_SASL_PASSWORD is required when KAFKA_SASL_MECHANISM is set' },
    { name: 'credentials without mechanism', env: { KAFKA_SASL_USERNAME: 'u' }, expected: 'KAFKA_SASL_MECHANISM is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set' },
    { name: 'missing CA file', env: { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' }, expected: 'KAFKA_SSL_CA_FILE must name a readable file (got "/nonexistent/ca.pem")' },
    { name: 'TLS file without TLS', env: { KAFKA_SSL_CA_FILE: '/x.pem' }, expected: 'KAFKA_SSL must be true when a KAFKA_SSL_*_FILE is set' },
    { name: 'bad log level', env: { LOG_LEVEL: 'loud' }, expected: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")' },
    { name: 'backoff order', env: { KAFKA_RETRY_INITIAL_MS: '5000', KAFKA_RETRY_MAX_MS: '100' }, expected: 'KAFKA_RETRY_INITIAL_MS must not exceed KAFKA_RETRY_MAX_MS (got 5000 > 100)' },
  ];

  it.each(badRows)('names the variable: $name', ({ env, expected }) => {
    expect(problemsOf(env)).toEqual([expected]);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ KAFKA_RETRIES: 'x', KAFKA_SSL: 'x', LOG_LEVEL: 'x' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['KAFKA_SSL', 'KAFKA_RETRIES', 'LOG_LEVEL']);
  });

  it('never echoes a secret', () => {
    const problems = problemsOf({ KAFKA_SASL_PASSWORD: '   ', KAFKA_SASL_USERNAME: 'u' });
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

// Each test starts a node process with tsx: seconds on a busy machine, bounded by execFile's timeout
// (below the test's, so a slow child fails with its own output rather than a bare test timeout).
describe('a process with bad configuration', { timeout: 60_000 }, () => {
  const script = fileURLToPath(new URL('../../test/fixtures/print-kafka-config.ts', import.meta.url));
  function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--conditions=lagscale-source', '--import', 'tsx', script],
        { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 45_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  it('exits 2 with a message naming each bad variable and no stack trace', async () => {
    const result = await run({ KAFKA_BROKERS: 'nope', KAFKA_RETRIES: 'lots', KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('KAFKA_BROKERS must be a comma-separated list of host:port (got "nope")');
    expect(result.stderr).toContain('KAFKA_RETRIES must be an integer from 0 to 100 (got "lots")');
    expect(result.stderr).toContain('KAFKA_SASL_MECHANISM is required');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 0 and prints the redacted config when valid', async () => {
    const result = await run({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { brokers: string[]; sasl: { password: string } };
    expect(printed.brokers).toEqual(['k:9092']);
    expect(printed.sasl.password).toBe('<redacted>');
  });
});
