export * from './reset-plan.js';
export * from './group-offsets.js';
export * from './format.js';
