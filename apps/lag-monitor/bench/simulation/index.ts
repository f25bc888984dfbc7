export * from './autoscaler.js';
export * from './collector.js';
export * from './fleet.js';
export * from './keda-hpa.js';
export * from './outcome.js';
export * from './run-simulation.js';
export * from './scenario.js';
