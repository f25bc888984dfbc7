import { ConfigError } from '@lagscale/kafka-core';
import { defaultWorkerPoolOptions } from '../pool/pool-options.js';
import { defaultBackpressureOptions, type BackpressureOptions } from './backpressure.js';
import { defaultRetryOptions, type RetryOptions } from './backoff.js';
import { ORDERING_MODES, type OrderingMode } from './ordering.js';

/** Tuning of the dispatcher; every count is records unless its name says otherwise. */
export interface DispatcherOptions extends BackpressureOptions, RetryOptions {
  ordering: OrderingMode;
  /** Most records in one chunk sent to the pool. */
  chunkSize: number;
  /** Worker threads of the pool; sets the default of `maxConcurrentChunks`. */
  poolThreads: number;
  /** Chunks handed to the executor and not yet settled; default `poolThreads × 2`. */
  maxConcurrentChunks: number;
  /** Worker crashes a chunk may cause before its records run one by one to find the poison one. */
  maxChunkCrashes: number;
}

export const defaultDispatcherOptions = {
  ordering: 'key',
  chunkSize: 256,
  poolThreads: defaultWorkerPoolOptions.threads,
  maxChunkCrashes: 2,
  ...defaultBackpressureOptions,
  ...defaultRetryOptions,
} satisfies Omit<DispatcherOptions, 'maxConcurrentChunks'>;

/** Fills in defaults and validates; throws `ConfigError` listing every bad setting by name. */
export function resolveDispatcherOptions(overrides: Partial<DispatcherOptions> = {}): DispatcherOptions {
  const poolThreads = overrides.poolThreads ?? defaultDispatcherOptions.poolThreads;
  const options: DispatcherOptions = {
    ...defaultDispatcherOptions,
    maxConcurrentChunks: poolThreads * 2,
    ...stripUndefined(overrides),
  };
  validateDispatcherOptions(options);
  return options;
}

export function validateDispatcherOptions(options: DispatcherOptions): void {
  const problems: string[] = [];
  const positiveIntegers = [
    'chunkSize',
    'poolThreads',
    'maxConcurrentChunks',
    'highWaterMark',
    'lowWaterMark',
    'maxUncommittedRecords',
    'maxUncommittedBytes',
    'maxAttempts',
    'maxChunkCrashes',
  ] as const;
  for (const name of positiveIntegers) {
    const value = options[name];
    if (!Number.isSafeInteger(value) || value <= 0) problems.push(`${name} must be a positive integer (got ${String(value)})`);
  }
  for (const name of ['retryBaseMs', 'retryMaxMs'] as const) {
    const value = options[name];
    if (!Number.isFinite(value) || value < 0) problems.push(`${name} must be a non-negative number of ms (got ${String(value)})`);
  }
  if (!(options.retryJitterRatio >= 0 && options.retryJitterRatio <= 1)) {
    problems.push(`retryJitterRatio must be between 0 and 1 (got ${String(options.retryJitterRatio)})`);
  }
  if (!ORDERING_MODES.includes(options.ordering)) {
    problems.push(`ordering must be one of ${ORDERING_MODES.join(', ')} (got ${String(options.ordering)})`);
  }
  if (problems.length === 0) {
    if (options.lowWaterMark >= options.highWaterMark) {
      problems.push(`lowWaterMark (${options.lowWaterMark}) must be below highWaterMark (${options.highWaterMark})`);
    }
    if (options.retryBaseMs > options.retryMaxMs) {
      problems.push(`retryBaseMs (${options.retryBaseMs}) must not exceed retryMaxMs (${options.retryMaxMs})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
