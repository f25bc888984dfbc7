export * from './metrics/metric-names.js';
