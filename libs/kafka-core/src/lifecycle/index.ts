export * from './run-main.js';
export * from './service.js';
export * from './shared-promise.js';
export * from './supervisor.js';
