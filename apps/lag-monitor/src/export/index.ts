export * from './lag-exporter.js';
export * from './metric-names.js';
export * from './monitor-view.js';
export * from './series-text.js';
export * from './status.js';
