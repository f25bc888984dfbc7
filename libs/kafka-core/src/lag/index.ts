export * from './lag.js';
