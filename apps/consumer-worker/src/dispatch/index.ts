export * from './backoff.js';
export * from './backpressure.js';
export * from './clock.js';
export * from './dispatcher-contract.js';
export * from './dispatcher-options.js';
export * from './dispatcher.js';
export * from './offset-tracker.js';
export * from './ordering.js';
