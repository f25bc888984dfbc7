export * from './collector.js';
export * from './collector-options.js';
