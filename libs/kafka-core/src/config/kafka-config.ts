import { accessSync, constants, readFileSync } from 'node:fs';
import { ConfigError } from '../errors/app-error.js';
import { collectEnv, envVar, optionalEnvVar, parsers } from './env-spec.js';

/** The embedded broker the repo starts by itself (tools/kafka) listens here. */
export const EMBEDDED_BROKER = '127.0.0.1:19092';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The defaults of every Kafka setting: the env variables below, the README table and the client
 * factory read them here. Retries are bounded, so an unreachable cluster fails in seconds.
 */
export const defaultKafkaConfig = {
  brokers: [EMBEDDED_BROKER],
  clientId: 'lagscale',
  ssl: false,
  sasl: undefined,
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  retry: { retries: 5, initialRetryTimeMs: 300, maxRetryTimeMs: 5_000 },
  logLevel: 'info',
  logFormat: 'auto',
} satisfies KafkaConfig;

/** Every Kafka connection setting; the env variable names live here and nowhere else. */
export const kafkaEnv = {
  brokers: envVar('KAFKA_BROKERS', parsers.hostPortList(), {
    description: 'Comma-separated bootstrap brokers (host:port). Unset: the embedded broker on 127.0.0.1:19092',
    default: defaultKafkaConfig.brokers,
  }),
  clientId: envVar('KAFKA_CLIENT_ID', parsers.string(), { description: 'Client id sent to the broker', default: defaultKafkaConfig.clientId }),
  ssl: envVar('KAFKA_SSL', parsers.bool(), { description: 'Connect with TLS', default: defaultKafkaConfig.ssl }),
  sslCaFile: optionalEnvVar('KAFKA_SSL_CA_FILE', parsers.string(), { description: 'PEM file of the CA that signed the brokers' }),
  sslCertFile: optionalEnvVar('KAFKA_SSL_CERT_FILE', parsers.string(), { description: 'PEM client certificate (mutual TLS)' }),
  sslKeyFile: optionalEnvVar('KAFKA_SSL_KEY_FILE', parsers.string(), { description: 'PEM client key (mutual TLS)' }),
  sslRejectUnauthorized: envVar('KAFKA_SSL_REJECT_UNAUTHORIZED', parsers.bool(), {
    description: 'Verify the broker certificate',
    default: true,
  }),
  saslMechanism: optionalEnvVar('KAFKA_SASL_MECHANISM', parsers.oneOf(SASL_MECHANISMS), {
    description: 'SASL mechanism: plain, scram-sha-256 or scram-sha-512 (unset: no SASL)',
  }),
  saslUsername: optionalEnvVar('KAFKA_SASL_USERNAME', parsers.string(), { description: 'SASL user name' }),
  saslPassword: optionalEnvVar('KAFKA_SASL_PASSWORD', parsers.string(), { description: 'SASL password', secret: true }),
  connectionTimeoutMs: envVar('KAFKA_CONNECTION_TIMEOUT_MS', parsers.int(1, 300_000), {
    description: 'TCP connect timeout per broker (ms)',
    default: defaultKafkaConfig.connectionTimeoutMs,
  }),
  requestTimeoutMs: envVar('KAFKA_REQUEST_TIMEOUT_MS', parsers.int(1, 600_000), {
    description: 'Request timeout (ms)',
    default: defaultKafkaConfig.requestTimeoutMs,
  }),
  retries: envVar('KAFKA_RETRIES', parsers.int(0, 100), {
    description: 'Retries of a failed request before giving up',
    default: defaultKafkaConfig.retry.retries,
  }),
  retryInitialMs: envVar('KAFKA_RETRY_INITIAL_MS', parsers.int(1, 60_000), {
    description: 'First retry backoff (ms), doubled with jitter per attempt',
    default: defaultKafkaConfig.retry.initialRetryTimeMs,
  }),
  retryMaxMs: envVar('KAFKA_RETRY_MAX_MS', parsers.int(1, 600_000), {
    description: 'Largest retry backoff (ms)',
    default: defaultKafkaConfig.retry.maxRetryTimeMs,
  }),
  logLevel: envVar('LOG_LEVEL', parsers.oneOf(LOG_LEVELS), { description: 'Log level', default: defaultKafkaConfig.logLevel }),
  logFormat: envVar('LOG_FORMAT', parsers.oneOf(LOG_FORMATS), {
    description: 'Log lines: pretty (for a person), json (for a log shipper), auto (pretty on a terminal)',
    default: defaultKafkaConfig.logFormat,
  }),
};

/** The Kafka settings every app also offers as flags; the rest (TLS, SASL, timeouts) are env-only. */
export const kafkaCliFlags = {
  brokers: kafkaEnv.brokers,
  'client-id': kafkaEnv.clientId,
  'log-level': kafkaEnv.logLevel,
  'log-format': kafkaEnv.logFormat,
};

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: false | { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  sasl: undefined | { mechanism: SaslMechanism; username: string; password: string };
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  retry: { retries: number; initialRetryTimeMs: number; maxRetryTimeMs: number };
  logLevel: LogLevel;
  logFormat: LogFormat;
}

function readPem(path: string, variable: string, problems: string[]): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return readFileSync(path, 'utf8');
  } catch {
    problems.push(`${variable} must name a readable file (got "${path}")`);
    return undefined;
  }
}

function isSet(source: Record<string, string | undefined>, name: string): boolean {
  return (source[name] ?? '').trim() !== '';
}

/**
 * Reads the Kafka settings from the environment (or an env-like object merged from CLI flags)
 * and checks the rules that tie settings together. Throws ConfigError naming each variable.
 */
export function loadKafkaConfig(source: Record<string, string | undefined> = process.env): KafkaConfig {
  const { values: env, problems } = collectEnv(kafkaEnv, source);

  let sasl: KafkaConfig['sasl'];
  if (env.saslMechanism !== undefined) {
    if (env.saslUsername === undefined) problems.push(`KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is set`);
    if (env.saslPassword === undefined) problems.push(`KAFKA_SASL_PASSWORD is required when KAFKA_SASL_MECHANISM is set`);
    if (env.saslUsername !== undefined && env.saslPassword !== undefined) {
      sasl = { mechanism: env.saslMechanism, username: env.saslUsername, password: env.saslPassword };
    }
  } else if ((env.saslUsername !== undefined || env.saslPassword !== undefined) && !isSet(source, kafkaEnv.saslMechanism.name)) {
    problems.push('KAFKA_SASL_MECHANISM is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set');
  }

  let ssl: KafkaConfig['ssl'] = false;
  const anyTlsFile = env.sslCaFile ?? env.sslCertFile ?? env.sslKeyFile;
  if (env.ssl) {
    ssl = { rejectUnauthorized: env.sslRejectUnauthorized ?? true };
    if (env.sslCaFile !== undefined) ssl.ca = readPem(env.sslCaFile, 'KAFKA_SSL_CA_FILE', problems);
    if (env.sslCertFile !== undefined) ssl.cert = readPem(env.sslCertFile, 'KAFKA_SSL_CERT_FILE', problems);
    if (env.sslKeyFile !== undefined) ssl.key = readPem(env.sslKeyFile, 'KAFKA_SSL_KEY_FILE', problems);
    if ((env.sslCertFile === undefined) !== (env.sslKeyFile === undefined)) {
      problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE must be set together');
    }
  } else if (anyTlsFile !== undefined) {
    problems.push('KAFKA_SSL must be true when a KAFKA_SSL_*_FILE is set');
  }

  if (env.retryInitialMs !== undefined && env.retryMaxMs !== undefined && env.retryInitialMs > env.retryMaxMs) {
    problems.push(`KAFKA_RETRY_INITIAL_MS must not exceed KAFKA_RETRY_MAX_MS (got ${env.retryInitialMs} > ${env.retryMaxMs})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // No problems means every setting parsed (each has a default or is optional).
  const ok = env as Required<typeof env>;
  return {
    brokers: ok.brokers,
    clientId: ok.clientId,
    ssl,
    sasl,
    connectionTimeoutMs: ok.connectionTimeoutMs,
    requestTimeoutMs: ok.requestTimeoutMs,
    retry: { retries: ok.retries, initialRetryTimeMs: ok.retryInitialMs, maxRetryTimeMs: ok.retryMaxMs },
    logLevel: ok.logLevel,
    logFormat: ok.logFormat,
  };
}

/** The config with secrets masked: safe to print or log. */
export function redactKafkaConfig(config: KafkaConfig): Record<string, unknown> {
  return {
    ...config,
    ssl: config.ssl === false ? false : { ...config.ssl, ca: config.ssl.ca ? '<pem>' : undefined, key: config.ssl.key ? '<redacted>' : undefined, cert: config.ssl.cert ? '<pem>' : undefined },
    sasl: config.sasl === undefined ? undefined : { mechanism: config.sasl.mechanism, username: config.sasl.username, password: '<redacted>' },
  };
}
