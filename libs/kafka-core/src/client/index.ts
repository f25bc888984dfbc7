export * from './kafka-factory.js';
export * from './connect.js';
export * from './kafkajs-fork.js';
