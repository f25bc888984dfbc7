export * from './test-kafka.js';
export * from './wait-for.js';
export * from './produce-sequenced.js';
export * from './commit-as-group.js';
export * from './seeded-random.js';
