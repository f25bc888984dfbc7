export * from './admin/index.js';
export * from './client/index.js';
export * from './config/index.js';
export * from './errors/index.js';
export * from './lag/index.js';
export * from './lifecycle/index.js';
export * from './observability/index.js';
export * from './partitioner/index.js';
