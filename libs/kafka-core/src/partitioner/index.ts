export * from './murmur2.js';
