export * from './env-spec.js';
export * from './kafka-config.js';
