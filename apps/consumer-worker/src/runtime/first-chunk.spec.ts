import { describe, expect, it } from 'vitest';
import type { ChunkExecutor, PooledRecord, RecordOutcome } from '../pool/index.js';
import { signalFirstChunk } from './first-chunk.js';

function fakeExecutor(withRevoke: boolean): ChunkExecutor & { runs: number } {
  const executor = {
    runs: 0,
    queued: 3,
    async run(records: readonly PooledRecord[]): Promise<RecordOutcome[]> {
      executor.runs += 1;
      return records.map(() => ({ status: 'ok' as const, outputs: [] }));
    },
    async close() {},
  };
  return withRevoke ? Object.assign(executor, { revoke: async () => ({ outputs: [], errors: ['revoked'] }) }) : executor;
}

describe('signalFirstChunk', () => {
  it('signals once, when the first chunk comes back, and passes every outcome through', async () => {
    const inner = fakeExecutor(false);
    const signals: number[] = [];
    const executor = signalFirstChunk(inner, () => signals.push(inner.runs));
    const first = executor.run([]);
    expect(signals).toEqual([]);
    expect(await first).toEqual([]);
    expect(signals).toEqual([1]);
    await Promise.all([executor.run([]), executor.run([])]);
    expect(signals).toEqual([1]);
    expect(inner.runs).toBe(3);
    expect(executor.queued).toBe(3);
  });

  it('does not signal for a chunk that could not run', async () => {
    const inner = fakeExecutor(false);
    inner.run = () => Promise.reject(new Error('thread died'));
    let signalled = false;
    await expect(signalFirstChunk(inner, () => (signalled = true)).run([])).rejects.toThrow('thread died');
    expect(signalled).toBe(false);
  });

  it('has a revoke exactly when the executor has one', async () => {
    expect(signalFirstChunk(fakeExecutor(false), () => undefined).revoke).toBeUndefined();
    expect(await signalFirstChunk(fakeExecutor(true), () => undefined).revoke?.('t', [0])).toEqual({ outputs: [], errors: ['revoked'] });
  });
});
