import { kafkaEnv } from '@lagscale/kafka-core';

/** Kafka settings offered as flags on every command; the rest are env-only (see README). */
export const kafkaFlags = {
  brokers: kafkaEnv.brokers,
  'client-id': kafkaEnv.clientId,
  'log-level': kafkaEnv.logLevel,
};
