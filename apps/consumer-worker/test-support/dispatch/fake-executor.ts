import { dispatchRecordOf, type ChunkExecutor, type DispatchRecord, type PooledRecord, type RecordOutcome } from '../../src/pool/executor.js';
import type { DispatcherClock } from '../../src/dispatch/clock.js';

// Test doubles for the dispatcher specs: an executor whose chunks settle only when a test says
// so, in any order, and a clock whose timers fire only when a test advances it.

export interface FakeChunk {
  /** The chunk's records in full, as they were when it started. */
  records: readonly DispatchRecord[];
  /** The order tags the dispatcher sent with the records. */
  tags: readonly number[];
  resolve(outcomes: RecordOutcome[]): void;
  reject(err: unknown): void;
}

export class FakeExecutor implements ChunkExecutor {
  readonly running: FakeChunk[] = [];
  /** Copies of every chunk's records as they were when it started. */
  readonly history: Array<readonly DispatchRecord[]> = [];
  queued = 0;

  run(pooled: readonly PooledRecord[], tags: readonly number[] = []): Promise<RecordOutcome[]> {
    // a snapshot: the dispatcher bumps a record's attempt in place when it retries it
    const records = pooled.map(dispatchRecordOf);
    this.history.push(records);
    return new Promise((resolve, reject) => {
      const chunk: FakeChunk = {
        records,
        tags,
        resolve: (outcomes) => {
          this.remove(chunk);
          resolve(outcomes);
        },
        reject: (err) => {
          this.remove(chunk);
          reject(err as Error);
        },
      };
      this.running.push(chunk);
    });
  }

  /** Settles the oldest running chunk (or the one at `index`) with `outcome(record)` per record. */
  settle(outcome: (record: DispatchRecord) => RecordOutcome = ok, index = 0): readonly DispatchRecord[] {
    const chunk = this.running[index];
    if (chunk === undefined) throw new Error(`no running chunk at ${index}`);
    chunk.resolve(chunk.records.map(outcome));
    return chunk.records;
  }

  /**
   * Settles a chunk the way the worker does: `outcome(record)` per record until one fails, then
   * `skipped` for the later records with that one's order tag.
   */
  settleSkipping(outcome: (record: DispatchRecord) => RecordOutcome = ok, index = 0): readonly DispatchRecord[] {
    const chunk = this.running[index];
    if (chunk === undefined) throw new Error(`no running chunk at ${index}`);
    const failedTags = new Set<number>();
    chunk.resolve(
      chunk.records.map((record, i): RecordOutcome => {
        const tag = chunk.tags[i] ?? 0;
        if (tag !== 0 && failedTags.has(tag)) return { status: 'skipped' };
        const result = outcome(record);
        if (result.status === 'failed' && tag !== 0) failedTags.add(tag);
        return result;
      }),
    );
    return chunk.records;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private remove(chunk: FakeChunk): void {
    const at = this.running.indexOf(chunk);
    if (at >= 0) this.running.splice(at, 1);
  }
}

export const ok = (): RecordOutcome => ({ status: 'ok', outputs: [] });

export class FakeClock implements DispatcherClock {
  private nowMs = 0;
  private nextHandle = 1;
  private readonly timers = new Map<number, { atMs: number; fn: () => void }>();

  now(): number {
    return this.nowMs;
  }

  random(): number {
    return 0;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { atMs: this.nowMs + ms, fn });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time on, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      let due: [number, { atMs: number; fn: () => void }] | undefined;
      for (const timer of this.timers) if (timer[1].atMs <= target && (due === undefined || timer[1].atMs < due[1].atMs)) due = timer;
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.nowMs = due[1].atMs;
      due[1].fn();
    }
    this.nowMs = target;
  }
}

/** Lets every pending promise callback run (a macrotask turn drains the microtask queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function record(partition: number, offset: number, key: string | null, topic = 't'): DispatchRecord {
  return { topic, partition, offset, key: key === null ? null : Buffer.from(key), value: Buffer.from('v'), headers: {}, timestamp: '0', attempt: 1 };
}
