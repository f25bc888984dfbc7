export * from './murmur2.js';
export * from './record-partitioner.js';
