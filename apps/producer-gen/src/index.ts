export * from './metrics/metric-names.js';
export * from './ingest/index.js';
