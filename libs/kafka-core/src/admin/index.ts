export * from './groups.js';
export * from './offsets.js';
export * from './topics.js';
export * from './topic-pattern.js';
export * from './topic-report.js';
