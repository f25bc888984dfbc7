export * from './http-server.js';
export * from './probe-server.js';
export * from './logger.js';
export * from './metrics.js';
export * from './bucket-counts.js';
export * from './snapshot-histogram.js';
export * from './reusable-chunks.js';
