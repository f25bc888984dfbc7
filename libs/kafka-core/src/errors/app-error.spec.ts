import { describe, expect, it } from 'vitest';
import { AppError, ConfigError, ERROR_CODES, describeError, hasCode, isAppError } from './app-error.js';
import { fromKafkaError } from './kafka-errors.js';

describe('AppError', () => {
  it.each([
    { code: 'BROKER_UNREACHABLE', retriable: true },
    { code: 'API_UNREACHABLE', retriable: true },
    { code: 'KAFKA_REQUEST_FAILED', retriable: true },
    { code: 'TIMEOUT', retriable: true },
    { code: 'CONFIG_INVALID', retriable: false },
    { code: 'TOPIC_INVALID', retriable: false },
    { code: 'DECODE_FAILED', retriable: false },
  ] as const)('$code is retriable=$retriable by default', ({ code, retriable }) => {
    const err = new AppError(code, 'x');
    expect(err.code).toBe(code);
    expect(err.retriable).toBe(retriable);
    expect(err).toBeInstanceOf(Error);
    expect(isAppError(err)).toBe(true);
    expect(hasCode(err, code)).toBe(true);
  });

  it('lets the caller override retriable and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const err = new AppError('KAFKA_REQUEST_FAILED', 'produce failed', { retriable: false, cause });
    expect(err.retriable).toBe(false);
    expect(err.cause).toBe(cause);
    expect(describeError(err)).toBe('produce failed: caused by: socket hang up');
  });

  it('has unique codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('ConfigError lists each problem', () => {
    const err = new ConfigError(['A is bad', 'B is bad']);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.retriable).toBe(false);
    expect(err.message).toBe('invalid configuration:\n  - A is bad\n  - B is bad');
  });

  it('is distinguished from other errors by isAppError', () => {
    expect(isAppError(new Error('x'))).toBe(false);
    expect(hasCode('string', 'INTERNAL')).toBe(false);
  });
});

describe('fromKafkaError', () => {
  function kafkaError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
    return Object.assign(new Error(message), { name, ...extra });
  }

  it('maps a refused connection wrapped in retries to BROKER_UNREACHABLE', () => {
    const inner = kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1');
    const outer = kafkaError('KafkaJSNumberOfRetriesExceeded', 'retries exceeded', { originalError: inner, retriable: false });
    const err = fromKafkaError(outer, { brokers: ['127.0.0.1:1'], action: 'connect' });
    expect(err.code).toBe('BROKER_UNREACHABLE');
    expect(err.retriable).toBe(true);
    expect(err.message).toContain('cannot reach Kafka at 127.0.0.1:1');
    expect(err.message).toContain('KAFKA_BROKERS');
  });

  it('maps a SASL rejection to AUTH_FAILED, not retriable', () => {
    const err = fromKafkaError(kafkaError('KafkaJSSASLAuthenticationError', 'SASL PLAIN authentication failed: Authentication failed'), { brokers: ['k:9093'], action: 'connect' });
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.retriable).toBe(false);
    expect(err.message).toContain('KAFKA_SASL_USERNAME');
  });

  it('maps an unknown topic to TOPIC_NOT_FOUND', () => {
    const err = fromKafkaError(kafkaError('KafkaJSProtocolError', 'This server does not host this topic-partition', { type: 'UNKNOWN_TOPIC_OR_PARTITION' }), { action: 'fetch' });
    expect(err.code).toBe('TOPIC_NOT_FOUND');
  });

  it('keeps kafkajs retriability for other failures', () => {
    const err = fromKafkaError(kafkaError('KafkaJSProtocolError', 'Not leader', { retriable: true, type: 'NOT_LEADER_FOR_PARTITION' }), { action: 'produce' });
    expect(err.code).toBe('KAFKA_REQUEST_FAILED');
    expect(err.retriable).toBe(true);
  });

  it('passes AppErrors through', () => {
    const original = new AppError('TIMEOUT', 't');
    expect(fromKafkaError(original, { action: 'x' })).toBe(original);
  });
});

describe('describeError of errors that crossed a thread', () => {
  it('reads the message of a plain-object cause instead of printing [object Object]', () => {
    const err = new AppError('CONFIG_INVALID', 'cannot start the pool', { cause: { name: 'AppError', message: 'unknown handler "x"' }, retriable: false });
    expect(describeError(err)).toBe('cannot start the pool: caused by: unknown handler "x"');
    expect(describeError(new Error('outer', { cause: { reason: 1 } }))).toBe('outer: caused by: {"reason":1}');
  });
});
