import { fromKafkaError } from '@lagscale/kafka-core';

export interface DeliveryRetryOptions {
  /** How long a record may take from `send()` to its acknowledgement, retries included (Java's delivery.timeout.ms). */
  deliveryTimeoutMs: number;
  /** First wait between two attempts of a batch; doubles up to `maxRetryBackoffMs`. */
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
}

export const defaultDeliveryRetryOptions = {
  deliveryTimeoutMs: 120_000,
  retryBackoffMs: 250,
  maxRetryBackoffMs: 2_000,
} satisfies DeliveryRetryOptions;

export type DeliveryStep =
  | { action: 'retry'; waitMs: number }
  | { action: 'fail'; reason: 'not-retriable' | 'delivery-timeout' };

/**
 * What to do with a batch whose produce request failed: retry it after a backoff while the error
 * is one a broker coming back would cure and its oldest record is inside the delivery timeout,
 * else fail it. The wait never runs past the timeout, so the last attempt happens right at it.
 */
export function nextDeliveryStep(
  input: { retriable: boolean; attempt: number; oldestEnqueuedAtMs: number; nowMs: number },
  options: DeliveryRetryOptions,
): DeliveryStep {
  if (!input.retriable) return { action: 'fail', reason: 'not-retriable' };
  const remaining = input.oldestEnqueuedAtMs + options.deliveryTimeoutMs - input.nowMs;
  if (remaining <= 0) return { action: 'fail', reason: 'delivery-timeout' };
  const backoff = Math.min(options.maxRetryBackoffMs, options.retryBackoffMs * 2 ** Math.max(0, input.attempt - 1));
  return { action: 'retry', waitMs: Math.min(backoff, remaining) };
}

// Broker-side verdicts on the batch itself: sending it again cannot succeed.
const FATAL_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'INVALID_TOPIC_EXCEPTION',
]);

function errorTypes(err: unknown): string[] {
  const types: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') types.push(type);
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  return types;
}

/**
 * Whether a failed produce may succeed when sent again: broker unreachable, leader moving,
 * timeouts, a partition the broker has not loaded yet (UNKNOWN_TOPIC_OR_PARTITION while it
 * restarts, retriable for the Java producer too) and kafkajs's own "retries exhausted" over any
 * of these are; a record too large or a denied topic are not. kafkajs marks some retriable errors
 * as fatal once its own retries are spent, so the innermost error decides.
 */
export function isRetriableProduceError(err: unknown): boolean {
  if (errorTypes(err).some((type) => FATAL_TYPES.has(type))) return false;
  const appError = fromKafkaError(err, { action: 'produce' });
  if (appError.code === 'BROKER_UNREACHABLE') return true;
  if (appError.code === 'AUTH_FAILED') return false;
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const name = current.name;
    if (name === 'KafkaJSConnectionError' || name === 'KafkaJSConnectionClosedError' || name === 'KafkaJSRequestTimeoutError' || name === 'KafkaJSMetadataNotLoaded' || name === 'KafkaJSBatchOutOfTurn') return true;
    if (name === 'KafkaJSProtocolError') return (current as { retriable?: boolean }).retriable === true;
    if (name === 'KafkaJSLockTimeout') return true;
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  return false;
}
