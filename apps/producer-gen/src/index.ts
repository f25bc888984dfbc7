export * from './metrics/metric-names.js';
export * from './ingest/index.js';
export * from './config/generator-config.js';
export { verifyEnv } from './cli/verify-command.js';
