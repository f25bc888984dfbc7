export * from './kafka-factory.js';
export * from './connect.js';
export * from './kafkajs-fork.js';
export { kafkajsLogLevel, kafkajsLevelRules, type KafkaJsLogEntry } from './kafkajs-log.js';
