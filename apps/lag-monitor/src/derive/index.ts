export * from './derive-options.js';
export * from './derive.js';
export * from './health.js';
export * from './rates.js';
export * from './sample-history.js';
export * from './time-lag.js';
export * from './series-columns.js';
export * from './partition-figures.js';
