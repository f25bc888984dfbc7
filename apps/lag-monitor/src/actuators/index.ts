export * from './actuator-kinds.js';
export * from './consumer-worker-command.js';
export * from './kube-config.js';
export * from './kubernetes-actuator.js';
export * from './kubernetes-errors.js';
export * from './kubernetes-settings.js';
export * from './local-actuator.js';
export * from './none-actuator.js';
