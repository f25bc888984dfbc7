export * from './app-error.js';
export * from './kafka-errors.js';
