import { AppError } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { invalidRecord, isNonRetriable } from './handler.js';

describe('isNonRetriable: errors no attempt can fix', () => {
  it('is true for invalidRecord, an AppError marked not retriable, and any error so marked', () => {
    expect(isNonRetriable(invalidRecord('not a user event'))).toBe(true);
    expect(isNonRetriable(new AppError('CONFIG_INVALID', 'no output topic', { retriable: false }))).toBe(true);
    expect(isNonRetriable(Object.assign(new Error('schema'), { retriable: false }))).toBe(true);
  });

  it("is false for kafkajs's errors, whose retriable: false says only that kafkajs stopped retrying", () => {
    expect(isNonRetriable(Object.assign(new Error('gave up'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false }))).toBe(false);
    expect(isNonRetriable(Object.assign(new Error('gone'), { name: 'KafkaJSNonRetriableError', retriable: false }))).toBe(false);
  });

  it('is false for other errors and for non-errors', () => {
    expect(isNonRetriable(new Error('timeout'))).toBe(false);
    expect(isNonRetriable(new AppError('TIMEOUT', 'slow'))).toBe(false);
    expect(isNonRetriable('boom')).toBe(false);
    expect(isNonRetriable(null)).toBe(false);
  });
});
