export * from './kafka-factory.js';
export * from './connect.js';
