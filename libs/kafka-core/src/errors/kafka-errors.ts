import { AppError } from './app-error.js';

interface KafkaJsLikeError extends Error {
  retriable?: boolean;
  type?: string;
}

const CONNECTION_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNonRetriableError',
]);

/** The error under kafkajs's retry and bail wrappers (`originalError`, `cause`): the broker's own answer. */
export function innermostCause(err: Error): Error {
  let current: Error = err;
  for (let i = 0; i < 5; i += 1) {
    const next = (current as { originalError?: unknown }).originalError ?? current.cause;
    if (!(next instanceof Error)) break;
    current = next;
  }
  return current;
}

/**
 * Translates a kafkajs error into an AppError with a message a user can act on. kafkajs wraps
 * connection failures in retry errors; the innermost cause says what actually went wrong.
 */
export function fromKafkaError(err: unknown, context: { brokers?: readonly string[]; action: string }): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof Error)) {
    return new AppError('KAFKA_REQUEST_FAILED', `${context.action} failed: ${String(err)}`);
  }
  const kafkaErr = err as KafkaJsLikeError;
  const inner = innermostCause(err) as KafkaJsLikeError;
  const brokers = context.brokers?.join(',') ?? 'the configured brokers';
  if (inner.name === 'KafkaJSSASLAuthenticationError' || kafkaErr.name === 'KafkaJSSASLAuthenticationError') {
    return new AppError(
      'AUTH_FAILED',
      `${context.action} failed: Kafka at ${brokers} rejected the credentials (${inner.message}). Check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.`,
      { cause: err, retriable: false },
    );
  }
  // Our kafkajs marks exactly these connection errors not retriable: a certificate the client
  // does not trust, or TLS spoken to a plaintext port (vendor/kafkajs/src/network/tlsConfigurationError.js).
  if (inner.name === 'KafkaJSConnectionError' && inner.retriable === false) {
    return new AppError(
      'TLS_FAILED',
      `${context.action} failed: the TLS handshake with Kafka at ${brokers} failed (${inner.message}). Check KAFKA_SSL_CA_FILE names the CA that signed the brokers' certificates, that the broker address matches their names, and that the port is a TLS listener.`,
      { cause: err, retriable: false },
    );
  }
  const isConnection =
    CONNECTION_ERROR_NAMES.has(inner.name) &&
    /connect|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Connection|timed out|closed/i.test(inner.message);
  if (isConnection || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(inner.message)) {
    return new AppError(
      'BROKER_UNREACHABLE',
      `${context.action} failed: cannot reach Kafka at ${brokers} (${inner.message}). Check KAFKA_BROKERS and that the broker is running.`,
      { cause: err, retriable: true },
    );
  }
  if (inner.type === 'UNKNOWN_TOPIC_OR_PARTITION') {
    return new AppError('TOPIC_NOT_FOUND', `${context.action} failed: topic does not exist (${inner.message})`, {
      cause: err,
      retriable: false,
    });
  }
  return new AppError('KAFKA_REQUEST_FAILED', `${context.action} failed: ${inner.message}`, {
    cause: err,
    retriable: kafkaErr.retriable ?? inner.retriable ?? false,
  });
}
