export * from './actuators/index.js';
export * from './collect/index.js';
export * from './config/monitor-config.js';
export * from './derive/index.js';
export * from './export/index.js';
export * from './model/index.js';
export * from './policy/index.js';
export * from './runtime/monitor-service.js';
