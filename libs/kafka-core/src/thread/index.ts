/*
 * What worker threads need from kafka-core, and nothing that pulls in its dependencies: importing
 * `@lagscale/kafka-core/thread` loads no kafkajs, fastify, pino or prom-client (thread.spec.ts
 * checks it). Every module re-exported here must import only the others (or types).
 */
export { AppError, ConfigError, ERROR_CODES, describeError, hasCode, isAppError, type AppErrorOptions, type ErrorCode } from '../errors/app-error.js';
export { BucketCounts, type BucketSnapshot } from '../observability/bucket-counts.js';
export { SEQUENCE_HEADERS, readSequence, type SequenceStamp } from '../sequence/sequence-headers.js';
