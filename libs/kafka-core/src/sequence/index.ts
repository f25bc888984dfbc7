export type { IntRange } from './paged-bitset.js';
export type { SequenceKey } from './record-key.js';
export * from './sequence-headers.js';
export * from './sequence-stamper.js';
export * from './sequence-verifier.js';
export * from './verify-topic.js';
