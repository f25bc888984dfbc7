import { AppError, describeError } from '@lagscale/kafka-core';
import { BucketCounts, type BucketSnapshot } from '@lagscale/kafka-core/thread';
import { END_TO_END_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { OK_WITHOUT_OUTPUTS, type DispatchRecord, type RecordOutcome } from '../pool/executor.js';
import type { RecordArena } from '../pool/record-arena.js';
import { systemClock, type DispatcherClock } from './clock.js';
import type { DispatcherHooks, DispatcherStats, TopicPartitionOffset } from './dispatcher-contract.js';
import { groupsOf, partitionKey, type Entry, type Lane, type PartitionState, type Redo } from './dispatch-state.js';
import { resolveDispatcherOptions, type DispatcherOptions } from './dispatcher-options.js';
import { FlowControl } from './flow-control.js';
import { Intake } from './intake.js';
import { LaneScheduler, type Chunk } from './lane-scheduler.js';
import { OffsetTracker } from './offset-tracker.js';
import { Recovery } from './recovery.js';

type Counters = Pick<DispatcherStats, 'chunksStarted' | 'chunkQueueWaitMsTotal' | 'processed' | 'failed' | 'retries' | 'deadLettered' | 'chunkCrashes' | 'produceErrors'>;

/**
 * Orders fetched records into chunks for the worker pool, tracks their offsets per partition and
 * applies backpressure. Records of one lane (key, or partition) run one after another
 * (`LaneScheduler`); offsets complete in any order and commit as a prefix (`OffsetTracker`);
 * partitions pause and resume on the in-flight bounds (`FlowControl`).
 *
 * The per-record path (count, place, chunk, complete) allocates one object per record and runs
 * flow control once per batch or chunk; a chunk whose records all ran and produced nothing
 * completes without a promise or an array per record.
 */
export class Dispatcher {
  private readonly options: DispatcherOptions;
  private readonly clock: DispatcherClock;
  private readonly parts = new Map<string, PartitionState>();
  private readonly lanes: LaneScheduler;
  private readonly flow: FlowControl;
  private readonly recovery: Recovery;
  private readonly intake: Intake;
  private readonly sleeps = new Map<unknown, (woke: boolean) => void>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly endToEnd = new BucketCounts(END_TO_END_SECONDS_BUCKETS);
  private runningChunks = 0;
  private settling = 0;
  private draining = false;
  /** Set by `holdUntil`: records are queued, chunks wait. */
  private held = false;
  private readonly counters: Counters = { chunksStarted: 0, chunkQueueWaitMsTotal: 0, processed: 0, failed: 0, retries: 0, deadLettered: 0, chunkCrashes: 0, produceErrors: 0 };

  constructor(
    private readonly hooks: DispatcherHooks,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.options = resolveDispatcherOptions(options);
    this.clock = hooks.clock ?? systemClock;
    this.lanes = new LaneScheduler(this.options);
    this.flow = new FlowControl(this.options, hooks, this.clock);
    this.intake = new Intake({
      clock: this.clock,
      flow: this.flow,
      lanes: this.lanes,
      partitionFor: (topic, partition) => this.partitionFor(topic, partition),
      parts: () => this.parts.values(),
      pump: () => this.pump(),
    });
    this.recovery = new Recovery({
      options: this.options,
      hooks,
      clock: this.clock,
      counters: this.counters,
      lanes: this.lanes,
      complete: (entry) => this.completeEntry(entry),
      sleep: (ms) => this.sleep(ms),
    });
  }

  /** Takes fetched records (offset order per partition); a partition is assigned on its first record. */
  enqueue(records: readonly DispatchRecord[]): void {
    this.assertOpen();
    this.intake.enqueue(records);
  }

  /** Takes fetched records, copied into an arena; see `Intake.enqueueArena`. */
  enqueueArena(topic: string, partition: number, arena: RecordArena, offsets: number[]): void {
    this.assertOpen();
    this.intake.enqueueArena(topic, partition, arena, offsets);
  }

  /** Fetched offsets up to `offset` with no record to process (markers, aborted records); see `OffsetTracker.skipThrough`. */
  skipThrough(topic: string, partition: number, offset: number): void {
    this.assertOpen();
    this.partitionFor(topic, partition).tracker.skipThrough(offset);
  }

  /** Forgets partitions the group took away: queued records are dropped and late outcomes ignored. */
  revoke(topic: string, partitions: readonly number[]): void {
    let any = false;
    for (const partition of partitions) {
      const key = partitionKey(topic, partition);
      const part = this.parts.get(key);
      if (part === undefined) continue;
      part.revoked = true;
      this.parts.delete(key);
      this.flow.forget(part);
      part.lanes.clear();
      any = true;
    }
    if (!any) return;
    this.lanes.dropRevoked();
    this.flow.updateTotal(this.parts.values());
    this.pump();
  }

  /** Offsets to commit: owned partitions whose safe offset moved past their last commit. */
  committableOffsets(): TopicPartitionOffset[] {
    const result: TopicPartitionOffset[] = [];
    for (const part of this.parts.values()) {
      const offset = part.tracker.committable();
      if (offset !== undefined && part.tracker.needsCommit) result.push({ topic: part.topic, partition: part.partition, offset });
    }
    return result;
  }

  /** Records commits that succeeded; partitions no longer owned are ignored. */
  markCommitted(offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) this.parts.get(partitionKey(topic, partition))?.tracker.markCommitted(offset);
  }

  /**
   * Stops starting chunks and retries, then waits for running chunks and their outputs. Resolves
   * true when all finished, false at the timeout. Unfinished records stay uncommitted.
   */
  drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    for (const [handle, wake] of this.sleeps) {
      this.clock.clearTimeout(handle);
      wake(false);
    }
    this.sleeps.clear();
    this.flow.wakeResumeWaiters();
    if (this.idle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        this.clock.clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Starts no chunk until `ready` resolves (the executor is up); records are taken and queued
   * meanwhile, within the usual bounds. If it rejects nothing starts: the owner is failing.
   */
  holdUntil(ready: Promise<unknown>): void {
    this.held = true;
    ready.then(
      () => {
        this.held = false;
        this.pump();
      },
      () => undefined,
    );
  }

  /** Partitions paused by backpressure now. */
  get pausedPartitions(): number {
    return this.flow.pausedCount;
  }

  /** Fetched and not yet committable records over all partitions (what the total bound limits). */
  get uncommittedRecords(): number {
    return this.flow.windowRecords;
  }

  /**
   * Resolves once backpressure resumes a partition, the dispatcher drains, or `timeoutMs`
   * passes: lets the fetch loop wait for room instead of polling while everything is paused.
   */
  waitForResume(timeoutMs: number): Promise<void> {
    return this.draining ? Promise.resolve() : this.flow.waitForResume(timeoutMs);
  }

  /** Time from fetch to completion (processed or dead-lettered) of every completed record. */
  endToEndSeconds(): BucketSnapshot {
    return this.endToEnd.snapshot();
  }

  stats(): DispatcherStats {
    return {
      ...this.counters,
      inFlightRecords: this.flow.inFlightRecords,
      uncommittedRecords: this.flow.windowRecords,
      inFlightBytes: this.flow.inFlightBytes,
      ownedPartitions: this.parts.size,
      pausedPartitions: this.flow.pausedCount,
      runningChunks: this.runningChunks,
      executorQueuedChunks: this.hooks.executor.queued,
    };
  }

  private assertOpen(): void {
    if (this.draining) throw new AppError('SHUTTING_DOWN', 'the dispatcher is draining and takes no new records', { retriable: false });
  }

  private partitionFor(topic: string, partition: number): PartitionState {
    const key = partitionKey(topic, partition);
    let part = this.parts.get(key);
    if (part === undefined) {
      part = { topic, partition, tracker: new OffsetTracker(), lanes: new Map(), bytes: 0, countedWindow: 0, overMark: false, paused: false, revoked: false };
      this.parts.set(key, part);
    }
    return part;
  }

  private pump(): void {
    while (!this.draining && !this.held && this.runningChunks < this.options.maxConcurrentChunks && this.lanes.hasReady) {
      const chunk = this.lanes.nextChunk();
      if (chunk.entries.length > 0) this.startChunk(chunk);
    }
  }

  private startChunk({ entries, tags }: Chunk): void {
    this.runningChunks += 1;
    const nowMs = this.clock.now();
    let oldestMs = nowMs;
    for (const entry of entries) if (entry.enqueuedAtMs < oldestMs) oldestMs = entry.enqueuedAtMs;
    this.counters.chunksStarted += 1;
    this.counters.chunkQueueWaitMsTotal += nowMs - oldestMs;
    let running: Promise<RecordOutcome[]>;
    try {
      running = this.hooks.executor.run(entries, tags);
    } catch (err) {
      running = Promise.reject(err);
    }
    void running.then(
      (outcomes) => this.onChunkDone(entries, outcomes),
      (err: unknown) => this.onChunkCrashed(entries, err),
    );
  }

  private onChunkDone(chunk: Entry[], outcomes: RecordOutcome[]): void {
    if (outcomes.length !== chunk.length) {
      this.onChunkCrashed(chunk, new AppError('INTERNAL', `executor returned ${outcomes.length} outcomes for ${chunk.length} records`));
      return;
    }
    this.runningChunks -= 1;
    if (outcomes.every(isPlainOk)) {
      // The hot path: nothing to produce, so the whole chunk completes at once.
      this.completeEntries(chunk);
    } else {
      let index = 0;
      for (const group of groupsOf(chunk)) {
        const groupOutcomes = outcomes.slice(index, index + group.length);
        index += group.length;
        if (group[0]?.part.revoked) continue;
        for (const outcome of groupOutcomes) if (outcome.status === 'failed') this.counters.failed += 1;
        if (groupOutcomes.every(isPlainOk)) this.completeEntries(group);
        else this.track(() => this.recovery.settleGroup(group, groupOutcomes));
      }
    }
    this.pump();
    this.notifyIdle();
  }

  private onChunkCrashed(chunk: Entry[], err: unknown): void {
    this.runningChunks -= 1;
    this.counters.chunkCrashes += 1;
    for (const group of groupsOf(chunk)) {
      if (group[0]?.part.revoked) continue;
      const redo = group.map((entry): Redo => {
        entry.crashes += 1;
        const error = `worker crashed ${entry.crashes} times running it: ${describeError(err)}`;
        return { entry, error, countsAsAttempt: false, deadLetter: entry.crashes > this.options.maxChunkCrashes };
      });
      this.track(() => this.recovery.recover(group, redo));
    }
    this.pump();
    this.notifyIdle();
  }

  private completeEntry(entry: Entry): void {
    const part = entry.part;
    if (!this.flow.complete(part, entry.offset, entry.bytes)) return;
    this.endToEnd.observe((this.clock.now() - entry.enqueuedAtMs) / 1_000);
    this.flow.update(part);
    this.flow.updateTotal(this.parts.values());
  }

  /**
   * Completes records that ran and produced nothing, and releases their lanes (each lane's
   * records are contiguous). Flow control runs once per partition touched, and records fetched
   * together count into the latency histogram together.
   */
  private completeEntries(entries: readonly Entry[]): void {
    const nowMs = this.clock.now();
    const touched: PartitionState[] = [];
    let lane: Lane | undefined;
    let sameSinceMs = Number.NaN;
    let same = 0;
    for (const entry of entries) {
      const part = entry.part;
      if (part.revoked) continue;
      if (entry.lane !== lane) {
        if (lane !== undefined) this.lanes.release(lane);
        lane = entry.lane;
      }
      this.counters.processed += 1;
      if (!this.flow.complete(part, entry.offset, entry.bytes)) continue;
      if (touched.length === 0 || (touched[touched.length - 1] !== part && !touched.includes(part))) touched.push(part);
      if (entry.enqueuedAtMs !== sameSinceMs) {
        if (same > 0) this.endToEnd.observe((nowMs - sameSinceMs) / 1_000, same);
        sameSinceMs = entry.enqueuedAtMs;
        same = 0;
      }
      same += 1;
    }
    if (same > 0) this.endToEnd.observe((nowMs - sameSinceMs) / 1_000, same);
    if (lane !== undefined) this.lanes.release(lane);
    for (const part of touched) this.flow.update(part);
    this.flow.updateTotal(this.parts.values());
  }

  /** Resolves true after `ms`, or false at once when draining (so nothing waits past a drain). */
  private sleep(ms: number): Promise<boolean> {
    if (this.draining) return Promise.resolve(false);
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(() => {
        this.sleeps.delete(handle);
        resolve(true);
      }, ms);
      this.sleeps.set(handle, resolve);
    });
  }

  private track(task: () => Promise<void>): void {
    this.settling += 1;
    void task().finally(() => {
      this.settling -= 1;
      this.pump();
      this.notifyIdle();
    });
  }

  private idle(): boolean {
    return this.runningChunks === 0 && this.settling === 0;
  }

  private notifyIdle(): void {
    if (!this.draining || !this.idle()) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function isPlainOk(outcome: RecordOutcome): boolean {
  return outcome === OK_WITHOUT_OUTPUTS || (outcome.status === 'ok' && outcome.outputs.length === 0);
}
