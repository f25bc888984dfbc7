import { describe, expect, it } from 'vitest';
import { defaultDispatcherOptions, resolveDispatcherOptions, type DispatcherOptions } from './dispatcher-options.js';

describe('resolveDispatcherOptions', () => {
  it('fills defaults and derives maxConcurrentChunks from poolThreads', () => {
    const options = resolveDispatcherOptions({ poolThreads: 4 });
    expect(options.chunkSize).toBe(defaultDispatcherOptions.chunkSize);
    expect(options.ordering).toBe('key');
    expect(options.maxConcurrentChunks).toBe(8);
  });

  it('keeps an explicit maxConcurrentChunks and ignores undefined overrides', () => {
    const options = resolveDispatcherOptions({ poolThreads: 4, maxConcurrentChunks: 3, chunkSize: undefined });
    expect(options.maxConcurrentChunks).toBe(3);
    expect(options.chunkSize).toBe('auto');
  });

  const rows: Array<{ name: string; overrides: Partial<DispatcherOptions>; problem: string }> = [
    { name: 'zero chunk size', overrides: { chunkSize: 0 }, problem: 'chunkSize must be a positive integer or auto (got 0)' },
    { name: 'auto chunks with min above max', overrides: { autoChunk: { targetMs: 20, minRecords: 64, maxRecords: 32, initialRecords: 32 } }, problem: 'autoChunk.minRecords (64) must not exceed autoChunk.maxRecords (32)' },
    { name: 'auto chunks with no target', overrides: { autoChunk: { targetMs: 0, minRecords: 1, maxRecords: 32, initialRecords: 32 } }, problem: 'autoChunk.targetMs must be a positive number of ms (got 0)' },
    { name: 'fractional attempts', overrides: { maxAttempts: 1.5 }, problem: 'maxAttempts must be a positive integer (got 1.5)' },
    { name: 'negative retry base', overrides: { retryBaseMs: -1 }, problem: 'retryBaseMs must be a non-negative number of ms (got -1)' },
    { name: 'jitter above 1', overrides: { retryJitterRatio: 2 }, problem: 'retryJitterRatio must be between 0 and 1 (got 2)' },
    { name: 'unknown ordering', overrides: { ordering: 'random' as never }, problem: 'ordering must be one of key, partition, unordered (got random)' },
    { name: 'low mark not below high', overrides: { lowWaterMark: 10, highWaterMark: 10 }, problem: 'lowWaterMark (10) must be below highWaterMark (10)' },
    { name: 'base above max', overrides: { retryBaseMs: 500, retryMaxMs: 100 }, problem: 'retryBaseMs (500) must not exceed retryMaxMs (100)' },
  ];
  it.each(rows)('rejects $name with CONFIG_INVALID naming the setting', ({ overrides, problem }) => {
    expect(() => resolveDispatcherOptions(overrides)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', problems: [problem] }));
  });
});
