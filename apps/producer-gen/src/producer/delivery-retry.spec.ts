import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRetriableProduceError, nextDeliveryStep } from './delivery-retry.js';

const { KafkaJSBatchOutOfTurn, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSNonRetriableError, KafkaJSRequestTimeoutError } = kafkajs;
const options = { deliveryTimeoutMs: 10_000, retryBackoffMs: 100, maxRetryBackoffMs: 1_000 };

describe('nextDeliveryStep', () => {
  it.each([
    { name: 'first retry', retriable: true, attempt: 1, nowMs: 1_000, step: { action: 'retry', waitMs: 100 } },
    { name: 'backoff doubles', retriable: true, attempt: 3, nowMs: 1_000, step: { action: 'retry', waitMs: 400 } },
    { name: 'backoff is capped', retriable: true, attempt: 12, nowMs: 1_000, step: { action: 'retry', waitMs: 1_000 } },
    { name: 'the wait ends at the timeout', retriable: true, attempt: 12, nowMs: 9_700, step: { action: 'retry', waitMs: 300 } },
    { name: 'timed out', retriable: true, attempt: 40, nowMs: 10_000, step: { action: 'fail', reason: 'delivery-timeout' } },
    { name: 'not retriable, well inside the timeout', retriable: false, attempt: 1, nowMs: 1, step: { action: 'fail', reason: 'not-retriable' } },
  ])('$name', ({ retriable, attempt, nowMs, step }) => {
    expect(nextDeliveryStep({ retriable, attempt, oldestEnqueuedAtMs: 0, nowMs }, options)).toEqual(step);
  });
});

describe('isRetriableProduceError', () => {
  const protocol = (type: string, retriable: boolean) => new KafkaJSProtocolError({ message: type, type, code: 1, retriable } as unknown as string);
  const spent = (err: Error) => new KafkaJSNumberOfRetriesExceeded(err, { retryCount: 3, retryTime: 1_000 } as never);
  it.each([
    { name: 'connection refused, retries spent', err: spent(new KafkaJSConnectionError('connect ECONNREFUSED 127.0.0.1:9092')), retriable: true },
    { name: 'a request timeout', err: new KafkaJSRequestTimeoutError('Request produce(key: 0, version: 7) timed out'), retriable: true },
    { name: 'leader moving', err: spent(protocol('NOT_LEADER_OR_FOLLOWER', true)), retriable: true },
    { name: 'not enough replicas', err: protocol('NOT_ENOUGH_REPLICAS', true), retriable: true },
    { name: 'a partition not loaded yet by a restarting broker', err: spent(protocol('UNKNOWN_TOPIC_OR_PARTITION', true)), retriable: true },
    { name: 'an idempotent batch behind one not written yet', err: spent(new KafkaJSBatchOutOfTurn('An earlier batch failed before it was written')), retriable: true },
    { name: 'out of order behind an unacknowledged batch (kafkajs marks it retriable)', err: spent(protocol('OUT_OF_ORDER_SEQUENCE_NUMBER', true)), retriable: true },
    { name: 'out of order for the oldest batch', err: new KafkaJSNonRetriableError(protocol('OUT_OF_ORDER_SEQUENCE_NUMBER', false)), retriable: false },
    { name: 'a record too large', err: new KafkaJSNonRetriableError(protocol('MESSAGE_TOO_LARGE', false)), retriable: false },
    { name: 'a denied topic', err: protocol('TOPIC_AUTHORIZATION_FAILED', false), retriable: false },
    { name: 'a bug', err: new TypeError('x is not a function'), retriable: false },
  ])('$name: $retriable', ({ err, retriable }) => {
    expect(isRetriableProduceError(err)).toBe(retriable);
  });
});
