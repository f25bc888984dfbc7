import kafkajs, { type Kafka, type KafkaConfig as KafkaJsConfig, type RetryOptions, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config/kafka-config.js';
import type { Logger } from '../observability/logger.js';
import { registerLazyCompressionCodecs } from './compression.js';
import { pinoLogCreator } from './kafkajs-log.js';

const { Kafka: KafkaClient, logLevel: KafkaLogLevel } = kafkajs;

// How each retry's backoff grows (kafkajs's names): doubled, with ±20 % jitter. The counts and
// bounds are settings (KafkaConfig.retry, defaults in defaultKafkaConfig).
const retryBackoff = { multiplier: 2, factor: 0.2 } as const;

/** kafkajs retry options for our retry settings (a client's, or one admin's own). */
export function toKafkaJsRetry(retry: KafkaConfig['retry']): RetryOptions {
  return { ...retryBackoff, retries: retry.retries, initialRetryTime: retry.initialRetryTimeMs, maxRetryTime: retry.maxRetryTimeMs };
}

function toKafkaJsLevel(level: KafkaConfig['logLevel']): number {
  // kafkajs is chatty at INFO (every group join, every fetch session); keep it at WARN unless
  // the user asked for debug output.
  if (level === 'debug' || level === 'trace') return KafkaLogLevel.DEBUG;
  if (level === 'silent') return KafkaLogLevel.NOTHING;
  if (level === 'fatal' || level === 'error') return KafkaLogLevel.ERROR;
  return KafkaLogLevel.WARN;
}

function toSasl(sasl: NonNullable<KafkaConfig['sasl']>): SASLOptions {
  // kafkajs's SASLOptions is a union keyed on the mechanism literal.
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username: sasl.username, password: sasl.password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password };
  }
}

/** Maps our validated config onto kafkajs options (exported for tests and tools). */
export function toKafkaJsConfig(config: KafkaConfig, logger?: Logger): KafkaJsConfig {
  const options: KafkaJsConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: toKafkaJsRetry(config.retry),
    logLevel: toKafkaJsLevel(config.logLevel),
  };
  if (config.ssl !== false) options.ssl = { ...config.ssl };
  if (config.sasl !== undefined) options.sasl = toSasl(config.sasl);
  if (logger !== undefined) options.logCreator = pinoLogCreator(logger);
  return options;
}

/**
 * The one way the toolkit makes a kafkajs client: validated config, project logger, bounded
 * retries, and snappy/lz4/zstd registered next to kafkajs's built-in gzip (loaded at the first
 * compressed batch).
 */
export function createKafka(config: KafkaConfig, logger?: Logger): Kafka {
  registerLazyCompressionCodecs();
  return new KafkaClient(toKafkaJsConfig(config, logger));
}
