export * from './elect.js';
export * from './election-options.js';
export * from './kubernetes-lease-api.js';
export * from './leader-gauge.js';
export * from './leader-elector.js';
export * from './leader-settings.js';
export * from './lease.js';
