export * from './env-spec.js';
export * from './kafka-config.js';
export * from './cli-options.js';
