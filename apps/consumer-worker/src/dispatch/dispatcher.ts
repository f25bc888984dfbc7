import { AppError, describeError } from '@lagscale/kafka-core';
import type { DispatchRecord, RecordOutcome } from '../pool/executor.js';
import { retryDelayMs } from './backoff.js';
import { partitionOverMark, totalOverBound } from './backpressure.js';
import { systemClock, type DispatcherClock } from './clock.js';
import type { DispatcherHooks, DispatcherStats, TopicPartitionOffset } from './dispatcher-contract.js';
import { Deque } from './deque.js';
import { groupsOf, isLane, partitionKey, type Entry, type Lane, type PartitionState, type Redo } from './dispatch-state.js';
import { resolveDispatcherOptions, type DispatcherOptions } from './dispatcher-options.js';
import { OffsetTracker } from './offset-tracker.js';
import { laneOf } from './ordering.js';

type Counters = Pick<DispatcherStats, 'chunksStarted' | 'chunkQueueWaitMsTotal' | 'processed' | 'retries' | 'deadLettered' | 'chunkCrashes' | 'produceErrors'>;

/**
 * Orders fetched records into chunks for the worker pool, tracks their offsets per partition and
 * applies backpressure. Records of one lane (key, or partition) run one after another: a lane
 * with a record in flight is blocked, while consecutive queued records of it may share a chunk.
 */
export class Dispatcher {
  private readonly options: DispatcherOptions;
  private readonly clock: DispatcherClock;
  private readonly parts = new Map<string, PartitionState>();
  private ready = new Deque<Lane | Entry>();
  private readonly sleeps = new Map<unknown, (woke: boolean) => void>();
  private readonly idleWaiters: Array<() => void> = [];
  private runningChunks = 0;
  private settling = 0;
  private inFlightRecords = 0;
  /** Σ tracker windows: fetched and not yet committable, what backpressure bounds. */
  private windowRecords = 0;
  private inFlightBytes = 0;
  private totalOver = false;
  private draining = false;
  private readonly counters: Counters = { chunksStarted: 0, chunkQueueWaitMsTotal: 0, processed: 0, retries: 0, deadLettered: 0, chunkCrashes: 0, produceErrors: 0 };

  constructor(
    private readonly hooks: DispatcherHooks,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.options = resolveDispatcherOptions(options);
    this.clock = hooks.clock ?? systemClock;
  }

  /** Takes fetched records (offset order per partition); a partition is assigned on its first record. */
  enqueue(records: readonly DispatchRecord[]): void {
    if (this.draining) throw new AppError('SHUTTING_DOWN', 'the dispatcher is draining and takes no new records', { retriable: false });
    const nowMs = this.clock.now();
    const touched = new Set<PartitionState>();
    let part: PartitionState | undefined;
    for (const record of records) {
      if (part === undefined || part.topic !== record.topic || part.partition !== record.partition) part = this.partitionFor(record.topic, record.partition);
      // A re-fetch of records we already hold would otherwise run them twice.
      if (!part.tracker.add(record.offset)) continue;
      const bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0);
      const entry: Entry = { record, part, lane: undefined, bytes, enqueuedAtMs: nowMs, crashes: 0 };
      part.bytes += bytes;
      this.inFlightRecords += 1;
      this.windowRecords += 1;
      this.inFlightBytes += bytes;
      touched.add(part);
      const laneId = laneOf(record, this.options.ordering);
      if (laneId === undefined) {
        this.ready.push(entry);
        continue;
      }
      let lane = part.lanes.get(laneId);
      if (lane === undefined) {
        lane = { id: laneId, part, queue: new Deque<Entry>(), busy: false, inReady: false };
        part.lanes.set(laneId, lane);
      }
      entry.lane = lane;
      lane.queue.push(entry);
      this.markReady(lane);
    }
    for (const p of touched) this.updatePartitionFlow(p);
    this.updateTotalFlow();
    this.pump();
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
      this.inFlightRecords -= part.tracker.inFlight;
      this.windowRecords -= part.tracker.window;
      this.inFlightBytes -= part.bytes;
      part.lanes.clear();
      any = true;
    }
    if (!any) return;
    // Rebalances are rare; one pass keeps dropped records from waiting in the queue.
    const kept = new Deque<Lane | Entry>();
    for (const unit of this.ready) if (!unit.part.revoked) kept.push(unit);
    this.ready = kept;
    this.updateTotalFlow();
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
    if (this.idle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        this.clock.clearTimeout(timer);
        resolve(true);
      });
    });
  }

  stats(): DispatcherStats {
    let pausedPartitions = 0;
    for (const part of this.parts.values()) if (part.paused) pausedPartitions += 1;
    return {
      ...this.counters,
      inFlightRecords: this.inFlightRecords,
      uncommittedRecords: this.windowRecords,
      inFlightBytes: this.inFlightBytes,
      ownedPartitions: this.parts.size,
      pausedPartitions,
      runningChunks: this.runningChunks,
      executorQueuedChunks: this.hooks.executor.queued,
    };
  }

  private partitionFor(topic: string, partition: number): PartitionState {
    const key = partitionKey(topic, partition);
    let part = this.parts.get(key);
    if (part === undefined) {
      part = { topic, partition, tracker: new OffsetTracker(), lanes: new Map(), bytes: 0, overMark: false, paused: false, revoked: false };
      this.parts.set(key, part);
    }
    return part;
  }

  private markReady(lane: Lane): void {
    if (lane.busy || lane.inReady || lane.queue.length === 0) return;
    lane.inReady = true;
    this.ready.push(lane);
  }

  /** The lane's records in flight are settled: let its next records run, or forget an empty lane. */
  private release(lane: Lane): void {
    lane.busy = false;
    if (lane.queue.length > 0) this.markReady(lane);
    else if (lane.part.lanes.get(lane.id) === lane) lane.part.lanes.delete(lane.id);
  }

  private pump(): void {
    while (!this.draining && this.runningChunks < this.options.maxConcurrentChunks && this.ready.length > 0) {
      const chunk = this.buildChunk();
      if (chunk.length > 0) this.startChunk(chunk);
    }
  }

  /**
   * Fills a chunk from the ready queue in order. A record whose chunks crashed their worker
   * `maxChunkCrashes` times runs alone, so the poison record of a crashing chunk is isolated.
   */
  private buildChunk(): Entry[] {
    const { chunkSize, maxChunkCrashes } = this.options;
    const chunk: Entry[] = [];
    while (chunk.length < chunkSize) {
      const unit = this.ready.peek();
      if (unit === undefined) break;
      const head = isLane(unit) ? unit.queue.peek() : unit;
      if (head === undefined || unit.part.revoked) {
        this.ready.shift();
        if (isLane(unit)) unit.inReady = false;
        continue;
      }
      const alone = head.crashes >= maxChunkCrashes;
      if (alone && chunk.length > 0) break;
      this.ready.shift();
      if (!isLane(unit)) {
        chunk.push(unit);
      } else {
        unit.inReady = false;
        unit.busy = true;
        chunk.push(unit.queue.shift() as Entry);
        while (!alone && chunk.length < chunkSize) {
          const next = unit.queue.peek();
          if (next === undefined || next.crashes >= maxChunkCrashes) break;
          chunk.push(unit.queue.shift() as Entry);
        }
      }
      if (alone) break;
    }
    return chunk;
  }

  private startChunk(chunk: Entry[]): void {
    this.runningChunks += 1;
    const nowMs = this.clock.now();
    let oldestMs = nowMs;
    for (const entry of chunk) oldestMs = Math.min(oldestMs, entry.enqueuedAtMs);
    this.counters.chunksStarted += 1;
    this.counters.chunkQueueWaitMsTotal += nowMs - oldestMs;
    let running: Promise<RecordOutcome[]>;
    try {
      running = this.hooks.executor.run(chunk.map((entry) => entry.record));
    } catch (err) {
      running = Promise.reject(err);
    }
    void running.then(
      (outcomes) => this.onChunkDone(chunk, outcomes),
      (err: unknown) => this.onChunkCrashed(chunk, err),
    );
  }

  private onChunkDone(chunk: Entry[], outcomes: RecordOutcome[]): void {
    if (outcomes.length !== chunk.length) {
      this.onChunkCrashed(chunk, new AppError('INTERNAL', `executor returned ${outcomes.length} outcomes for ${chunk.length} records`));
      return;
    }
    this.runningChunks -= 1;
    let index = 0;
    for (const group of groupsOf(chunk)) {
      const groupOutcomes = outcomes.slice(index, index + group.length);
      index += group.length;
      if (group[0]?.part.revoked) continue;
      // The hot path: nothing to produce, so complete at once without a promise per record.
      if (groupOutcomes.every((o) => o.status === 'ok' && o.outputs.length === 0)) {
        for (const entry of group) this.completeEntry(entry);
        this.counters.processed += group.length;
        this.releaseGroup(group, []);
      } else {
        this.track(() => this.settleGroup(group, groupOutcomes));
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
      this.track(() => this.recover(group, redo));
    }
    this.pump();
    this.notifyIdle();
  }

  /**
   * Settles a group's outcomes. The executor ran records after a failed one anyway; those of the
   * same lane ran out of order, so their outcomes are dropped and they run again after it.
   */
  private async settleGroup(group: Entry[], outcomes: RecordOutcome[]): Promise<void> {
    const failedAt = outcomes.findIndex((o) => o.status === 'failed');
    const settledCount = failedAt < 0 ? group.length : failedAt;
    const finishing: Array<Promise<Redo | undefined>> = [];
    for (let i = 0; i < settledCount; i += 1) finishing.push(this.finish(group[i] as Entry, outcomes[i] as RecordOutcome));
    const redo = (await Promise.all(finishing)).filter((r): r is Redo => r !== undefined);
    const failed = outcomes[failedAt];
    if (failed?.status === 'failed') {
      const entry = group[failedAt] as Entry;
      redo.push({ entry, error: failed.error, countsAsAttempt: true, deadLetter: entry.record.attempt >= this.options.maxAttempts });
      for (const follower of group.slice(failedAt + 1)) redo.push({ entry: follower, error: undefined, countsAsAttempt: false, deadLetter: false });
    }
    await this.recover(group, redo);
  }

  /** Completes one record; a rejected produce comes back as a failed attempt to retry. */
  private async finish(entry: Entry, outcome: RecordOutcome): Promise<Redo | undefined> {
    if (outcome.status === 'undecodable') {
      await this.deadLetter(entry, `undecodable: ${outcome.error}`);
      return undefined;
    }
    if (outcome.status === 'failed') throw new AppError('INTERNAL', 'finish() is only for settled outcomes');
    if (outcome.outputs.length > 0) {
      try {
        await this.hooks.onOutputs(entry.record, outcome.outputs);
      } catch (err) {
        this.counters.produceErrors += 1;
        const attempts = entry.record.attempt;
        return { entry, error: `producing outputs failed: ${describeError(err)}`, countsAsAttempt: true, deadLetter: attempts >= this.options.maxAttempts };
      }
    }
    this.counters.processed += 1;
    this.completeEntry(entry);
    return undefined;
  }

  /** Dead-letters what is due, then puts the rest back at the front of its lane after a backoff. */
  private async recover(group: Entry[], redo: Redo[]): Promise<void> {
    await Promise.all(redo.filter((r) => r.deadLetter).map((r) => this.deadLetter(r.entry, r.error ?? 'unknown error')));
    const again = redo.filter((r) => !r.deadLetter);
    let delayMs = 0;
    for (const r of again) {
      if (!r.countsAsAttempt) continue;
      delayMs = Math.max(delayMs, retryDelayMs(r.entry.record.attempt, this.options, this.clock.random));
      r.entry.record = { ...r.entry.record, attempt: r.entry.record.attempt + 1 };
      this.counters.retries += 1;
    }
    // Woken early by drain: stay blocked, the records stay uncommitted and the next owner reruns them.
    if (delayMs > 0 && !(await this.sleep(delayMs))) return;
    if (group[0]?.part.revoked) return;
    this.releaseGroup(group, again.map((r) => r.entry));
  }

  /** Puts `rerun` (in order) back in front of the group's lane, or in the ready queue, and unblocks. */
  private releaseGroup(group: Entry[], rerun: Entry[]): void {
    const lane = group[0]?.lane;
    if (lane === undefined) {
      for (let i = rerun.length - 1; i >= 0; i -= 1) this.ready.unshift(rerun[i] as Entry);
      return;
    }
    for (let i = rerun.length - 1; i >= 0; i -= 1) lane.queue.unshift(rerun[i] as Entry);
    this.release(lane);
  }

  /** Retries the dead-letter produce until it succeeds, the partition goes, or we drain. */
  private async deadLetter(entry: Entry, reason: string): Promise<void> {
    for (let failures = 1; !entry.part.revoked; failures += 1) {
      try {
        await this.hooks.onDeadLetter(entry.record, reason, entry.record.attempt);
        this.counters.deadLettered += 1;
        this.completeEntry(entry);
        return;
      } catch {
        this.counters.produceErrors += 1;
        if (!(await this.sleep(retryDelayMs(failures, this.options, this.clock.random)))) return;
      }
    }
  }

  private completeEntry(entry: Entry): void {
    const part = entry.part;
    const windowBefore = part.tracker.window;
    if (part.revoked || !part.tracker.complete(entry.record.offset)) return;
    this.windowRecords -= windowBefore - part.tracker.window;
    part.bytes -= entry.bytes;
    this.inFlightRecords -= 1;
    this.inFlightBytes -= entry.bytes;
    this.updatePartitionFlow(part);
    this.updateTotalFlow();
  }

  private updatePartitionFlow(part: PartitionState): void {
    part.overMark = partitionOverMark(part.tracker.window, part.overMark, this.options);
    this.applyPause(part);
  }

  private updateTotalFlow(): void {
    const over = totalOverBound(this.windowRecords, this.inFlightBytes, this.totalOver, this.options);
    if (over === this.totalOver) return;
    this.totalOver = over;
    for (const part of this.parts.values()) this.applyPause(part);
  }

  private applyPause(part: PartitionState): void {
    const paused = !part.revoked && (part.overMark || this.totalOver);
    if (paused === part.paused) return;
    part.paused = paused;
    if (paused) this.hooks.pause(part.topic, part.partition);
    else this.hooks.resume(part.topic, part.partition);
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
