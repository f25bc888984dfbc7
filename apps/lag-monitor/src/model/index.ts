export * from './actuator.js';
export * from './decision.js';
export * from './snapshot.js';
export * from './view.js';
export * from './group-topic-columns.js';
export * from './float64-slabs.js';
