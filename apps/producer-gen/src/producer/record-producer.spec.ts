import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AppError, createKafka, createLogger, defaultKafkaConfig } from '@lagscale/kafka-core';
import { DeliveryStats } from './delivery-stats.js';
import { defaultRecordProducerOptions, MAX_IN_FLIGHT_IDEMPOTENT, RecordProducer, type RecordProducerOptions } from './record-producer.js';

const options = (overrides: Partial<RecordProducerOptions>): RecordProducerOptions => ({
  ...defaultRecordProducerOptions,
  topic: 't',
  brokers: ['127.0.0.1:1'],
  ...overrides,
});

// Nothing connects: the constructor only checks the options and builds the kafkajs producer.
function producerWith(overrides: Partial<RecordProducerOptions>): RecordProducer {
  const kafka = createKafka({ ...defaultKafkaConfig, brokers: ['127.0.0.1:1'] });
  return new RecordProducer(kafka, options(overrides), new DeliveryStats(new Registry(), { topic: 't' }), createLogger({ name: 'record-producer-spec', level: 'silent' }));
}

describe('RecordProducer options', () => {
  it('pipelines the idempotent producer up to 5 requests, as the Java producer allows', () => {
    expect(defaultRecordProducerOptions).toMatchObject({ idempotent: true, acks: 'all', maxInFlightRequests: 5 });
    expect(() => producerWith({ maxInFlightRequests: MAX_IN_FLIGHT_IDEMPOTENT })).not.toThrow();
  });

  it('refuses more than 5 in flight with idempotence, naming the setting and the fix', () => {
    let error: unknown;
    try {
      producerWith({ maxInFlightRequests: 6 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toMatch(/at most 5 requests in flight \(PRODUCER_MAX_IN_FLIGHT \/ --max-in-flight\), got 6; lower it or turn idempotence off/);
    expect(() => producerWith({ maxInFlightRequests: 6, idempotent: false, acks: '1' })).not.toThrow();
  });
});
