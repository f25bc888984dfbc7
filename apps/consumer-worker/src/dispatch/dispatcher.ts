import { AppError, describeError } from '@lagscale/kafka-core';
import { isNonRetriable } from '../handlers/handler.js';
import { BucketCounts, type BucketSnapshot } from '@lagscale/kafka-core/thread';
import { END_TO_END_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { dispatchRecordOf, OK_WITHOUT_OUTPUTS, type DispatchRecord, type OutputRecord, type RecordOutcome } from '../pool/executor.js';
import type { RecordArena } from '../pool/record-arena.js';
import { retryDelayMs } from './backoff.js';
import { systemClock, type DispatcherClock } from './clock.js';
import type { DispatcherHooks, DispatcherStats, TopicPartitionOffset } from './dispatcher-contract.js';
import { resolveDispatcherOptions, type DispatcherOptions } from './dispatcher-options.js';
import { ChunkSizer } from './chunk-sizer.js';
import { Drain } from './drain.js';
import { groupsOf, type Entry, type EntryBatch, type Lane } from './entry.js';
import { FlowControl } from './flow-control.js';
import { Intake } from './intake.js';
import { LaneScheduler, type Chunk } from './lane-scheduler.js';
import type { PartitionState } from './partition-state.js';
import { PartitionTable, type TopicStats } from './partition-table.js';
import { failedAttempt, planCrash, planOutcomes, rerunDelayMs, type DeadLetter, type RecoveryPlan, type Rerun } from './recovery.js';

type Counters = Pick<DispatcherStats, 'chunksStarted' | 'chunkQueueWaitMsTotal' | 'processed' | 'failed' | 'retries' | 'deadLettered' | 'chunkCrashes' | 'produceErrors'>;

/**
 * The path of a fetched record to its commit, in this order:
 * 1. intake: the record is tracked by its partition (`PartitionState`) and counted for
 *    backpressure (`FlowControl`) at once, and queued in its lane (`LaneScheduler`) in the next turn;
 * 2. dispatch: the oldest ready records go to the pool in chunks, a lane's records one after another;
 * 3. completion: a chunk whose records all ran and produced nothing completes at once; otherwise
 *    `recovery` plans what to produce, dead-letter and run again, and the dispatcher does it;
 * 4. commit: a partition's tracker turns completions into its committable offset (the completed
 *    prefix), which `committableOffsets` hands to whoever commits.
 *
 * The per-record path allocates one object per record and runs flow control once per batch or
 * chunk; a chunk that produced nothing completes without a promise or an array per record.
 */
export class Dispatcher {
  private readonly options: DispatcherOptions;
  private readonly clock: DispatcherClock;
  private readonly parts = new PartitionTable();
  private readonly lanes: LaneScheduler;
  private readonly flow: FlowControl;
  private readonly intake: Intake;
  private readonly shutdown: Drain;
  private readonly chunkSizer: ChunkSizer;
  /** The executor's `busyMs` when the last chunk came back. */
  private lastBusyMs = 0;
  private readonly endToEnd = new BucketCounts(END_TO_END_SECONDS_BUCKETS);
  private placeScheduled = false;
  private runningChunks = 0;
  /** Slow-path settlements in progress (producing, dead-lettering, waiting to retry). */
  private settling = 0;
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
    this.intake = new Intake(this.parts, this.flow, this.lanes);
    this.shutdown = new Drain(this.clock);
    this.chunkSizer = new ChunkSizer(this.options.chunkSize, this.options.autoChunk);
  }

  // ── 1. intake ────────────────────────────────────────────────────────────────────────────────

  /**
   * Takes fetched records, already copied into an arena (`offsets[slot]` the offset of each; it
   * is taken over): they are tracked and counted now (and the partition paused if due), and
   * queued in their lanes in the next turn of the event loop, so the fetch loop sends its next
   * request first and that work overlaps the broker's answer. Records the partition holds already
   * (a re-fetch) are left out. `release` is called once every record taken from the arena
   * completed, so memory it points into can be reused; never for records dropped with a revoked
   * partition (a thread may still be reading them).
   */
  enqueueArena(topic: string, partition: number, arena: RecordArena, offsets: number[], release?: () => void): void {
    this.assertOpen();
    if (this.intake.takeArena(topic, partition, arena, offsets, this.clock.now(), release) && !this.placeScheduled) {
      this.placeScheduled = true;
      setImmediate(this.placeTaken);
    }
  }

  /** Takes records in full and queues them at once: the general path (tests, callers with records in hand). */
  enqueue(records: readonly DispatchRecord[]): void {
    this.assertOpen();
    this.intake.takeRecords(records, this.clock.now());
    this.pump();
  }

  /** Fetched offsets up to `offset` with no record to process (markers, aborted records); see `OffsetTracker.skipThrough`. */
  skipThrough(topic: string, partition: number, offset: number): void {
    this.assertOpen();
    this.parts.get(topic, partition).skipThrough(offset);
  }

  private readonly placeTaken = (): void => {
    this.placeScheduled = false;
    this.intake.placeTaken();
    this.pump();
  };

  // ── 2. dispatch ──────────────────────────────────────────────────────────────────────────────

  private pump(): void {
    while (!this.shutdown.draining && !this.held && this.runningChunks < this.options.maxConcurrentChunks && this.lanes.hasReady) {
      const chunk = this.lanes.nextChunk(this.chunkSizer.size);
      if (chunk.entries.length > 0) this.startChunk(chunk);
    }
  }

  private startChunk({ entries, tags }: Chunk): void {
    this.runningChunks += 1;
    const nowMs = this.clock.now();
    // A chunk starts with its oldest record (`LaneScheduler.nextChunk`), and records arrive in
    // the order they are taken: its wait is the first record's, with no pass over the chunk.
    const oldestMs = entries[0]?.enqueuedAtMs ?? nowMs;
    this.counters.chunksStarted += 1;
    this.counters.chunkQueueWaitMsTotal += Math.max(0, nowMs - oldestMs);
    let running: Promise<RecordOutcome[]>;
    try {
      running = this.hooks.executor.run(entries, tags);
    } catch (err) {
      running = Promise.reject(err);
    }
    void running.then(
      (outcomes) => {
        this.measureChunk(entries.length, nowMs);
        this.onChunkDone(entries, outcomes);
      },
      (err: unknown) => this.onChunkCrashed(entries, err),
    );
  }

  /** Tells the chunk sizer how long a chunk that ran kept a thread busy: the executor's thread time, or else its round trip. */
  private measureChunk(records: number, startedAtMs: number): void {
    const busyMs = this.hooks.executor.busyMs;
    if (busyMs === undefined) {
      this.chunkSizer.observe(records, this.clock.now() - startedAtMs);
      return;
    }
    this.chunkSizer.observe(records, busyMs - this.lastBusyMs);
    this.lastBusyMs = busyMs;
  }

  // ── 3. completion ────────────────────────────────────────────────────────────────────────────

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
        for (const outcome of groupOutcomes) if (outcome.status === 'failed' || outcome.status === 'rejected') this.counters.failed += 1;
        if (groupOutcomes.every(isPlainOk)) this.completeEntries(group);
        else this.settle(group, planOutcomes(group, groupOutcomes, this.options.maxAttempts));
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
      for (const entry of group) entry.crashes += 1;
      this.settle(group, planCrash(group, describeError(err), this.options.maxChunkCrashes));
    }
    this.pump();
    this.notifyIdle();
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
    // runs of records of one batch (one arrival time) count into the histogram together
    let batch: EntryBatch | undefined;
    let same = 0;
    for (const entry of entries) {
      const part = entry.part;
      if (part.revoked) continue;
      if (entry.lane !== lane) {
        if (lane !== undefined) this.lanes.release(lane);
        lane = entry.lane;
      }
      this.counters.processed += 1;
      part.processed += 1;
      if (!part.complete(entry.offset)) continue;
      if (touched.length === 0 || (touched[touched.length - 1] !== part && !touched.includes(part))) touched.push(part);
      if (entry.batch !== batch) {
        if (same > 0) this.batchCompleted(batch as EntryBatch, same, nowMs);
        batch = entry.batch;
        same = 0;
      }
      same += 1;
    }
    if (same > 0) this.batchCompleted(batch as EntryBatch, same, nowMs);
    if (lane !== undefined) this.lanes.release(lane);
    for (const part of touched) this.flow.update(part);
    this.flow.updateTotal(this.parts.values());
  }

  /** `records` of one batch completed: into the latency histogram together, and counted by their batch. */
  private batchCompleted(batch: EntryBatch, records: number, nowMs: number): void {
    this.endToEnd.observe((nowMs - batch.enqueuedAtMs) / 1_000, records);
    batch.completed(records);
  }

  /** Completes one record of the slow path (produced or dead-lettered). */
  private completeEntry(entry: Entry): void {
    const part = entry.part;
    if (!part.complete(entry.offset)) return;
    this.batchCompleted(entry.batch, 1, this.clock.now());
    this.flow.update(part);
    this.flow.updateTotal(this.parts.values());
  }

  /** Carries out a recovery plan; tracked, so a drain waits for it. */
  private settle(group: readonly Entry[], plan: RecoveryPlan): void {
    this.settling += 1;
    void this.recover(group, plan).finally(() => {
      this.settling -= 1;
      this.pump();
      this.notifyIdle();
    });
  }

  /**
   * The slow path: produces outputs and dead letters, then puts the records to run again back at
   * the front of their lane after the backoff of their retries. A record whose outputs the broker
   * refused counts as a failed attempt; it comes before the plan's re-runs in its lane.
   */
  private async recover(group: readonly Entry[], plan: RecoveryPlan): Promise<void> {
    const [refused] = await Promise.all([
      Promise.all(plan.produce.map(({ entry, outputs }) => this.produce(entry, outputs))),
      Promise.all(plan.deadLetter.map((d) => this.deadLetter(d))),
    ]);
    const rerun: Rerun[] = [];
    const outOfAttempts: DeadLetter[] = [];
    for (const failure of refused) {
      if (failure === undefined) continue;
      if (!failure.retriable) {
        outOfAttempts.push({ entry: failure.entry, reason: `not retriable: ${failure.error}` });
        continue;
      }
      const next = failedAttempt(failure.entry, failure.error, this.options.maxAttempts);
      if ('rerun' in next) rerun.push(next.rerun);
      else outOfAttempts.push(next.deadLetter);
    }
    await Promise.all(outOfAttempts.map((d) => this.deadLetter(d)));
    rerun.push(...plan.rerun);
    const delayMs = rerunDelayMs(rerun, this.options, this.clock.random);
    for (const r of rerun) {
      if (!r.retry) continue;
      r.entry.attempt += 1;
      this.counters.retries += 1;
    }
    // Woken early by drain: stay blocked, the records stay uncommitted and the next owner reruns them.
    if (delayMs > 0 && !(await this.shutdown.sleep(delayMs))) return;
    if (group[0]?.part.revoked) return;
    this.lanes.requeue(group, rerun.map((r) => r.entry));
  }

  /**
   * Produces a record's outputs, then completes it; returns why when they could not be produced,
   * and whether trying again can help (an error marked not retriable, such as an output with no
   * topic to go to, cannot).
   */
  private async produce(entry: Entry, outputs: readonly OutputRecord[]): Promise<{ entry: Entry; error: string; retriable: boolean } | undefined> {
    if (outputs.length > 0) {
      try {
        await this.hooks.onOutputs(entry, outputs);
      } catch (err) {
        this.counters.produceErrors += 1;
        // The rule handler errors follow: kafkajs's own "retriable: false" (its retries ran out)
        // does not count, a broker that is away now may be back for the next attempt.
        const retriable = !isNonRetriable(err);
        return { entry, error: `producing outputs failed: ${describeError(err)}`, retriable };
      }
    }
    this.counters.processed += 1;
    entry.part.processed += 1;
    this.completeEntry(entry);
    return undefined;
  }

  /** Retries the dead-letter produce until it succeeds, the partition goes, or we drain. */
  private async deadLetter({ entry, reason }: DeadLetter): Promise<void> {
    for (let failures = 1; !entry.part.revoked; failures += 1) {
      try {
        await this.hooks.onDeadLetter(dispatchRecordOf(entry), reason, entry.attempt);
        this.counters.deadLettered += 1;
        this.completeEntry(entry);
        return;
      } catch {
        this.counters.produceErrors += 1;
        if (!(await this.shutdown.sleep(retryDelayMs(failures, this.options, this.clock.random)))) return;
      }
    }
  }

  // ── 4. commit ────────────────────────────────────────────────────────────────────────────────

  /** Offsets to commit: partitions whose committable offset moved past their last commit. */
  committableOffsets(): TopicPartitionOffset[] {
    return this.parts.committableOffsets();
  }

  /** Records commits that succeeded; partitions no longer held are ignored. */
  markCommitted(offsets: readonly TopicPartitionOffset[]): void {
    this.parts.markCommitted(offsets);
  }

  /** The dispatcher's state per topic (a pattern subscription's metrics are labelled by topic). */
  topicStats(): Map<string, TopicStats> {
    return this.parts.topicStats();
  }

  /** Per partition, its records taken and not yet committable: after the last commit, what the group's next owner redelivers. */
  uncommittedByPartition(): Array<{ topic: string; partition: number; records: number }> {
    return this.parts.uncommittedByPartition();
  }

  /** Offsets taken past the last commit, over all partitions. */
  commitLag(): number {
    return this.parts.commitLag();
  }

  /**
   * Forgets partitions the group took away: queued records are dropped and late outcomes ignored.
   * With keyed state the threads that ran their keys are told, after what they were given
   * (`releaseState`).
   */
  revoke(topic: string, partitions: readonly number[]): void {
    void this.revokeAndRelease(topic, partitions);
  }

  /**
   * Revokes every partition held (a stopping member gives them all up): with keyed state the
   * handlers flush their keys' state, and this resolves once that is produced (or failed once:
   * after a drain nothing is retried). Call after the last commit: revoked partitions commit nothing.
   */
  async revokeAll(): Promise<void> {
    const byTopic = new Map<string, number[]>();
    for (const part of this.parts.values()) byTopic.set(part.topic, [...(byTopic.get(part.topic) ?? []), part.partition]);
    await Promise.all([...byTopic].map(([topic, partitions]) => this.revokeAndRelease(topic, partitions)));
  }

  private revokeAndRelease(topic: string, partitions: readonly number[]): Promise<void> {
    const revoked = this.parts.remove(topic, partitions);
    for (const part of revoked) this.flow.forget(part);
    if (revoked.length === 0) return Promise.resolve();
    this.lanes.dropRevoked(revoked);
    this.flow.updateTotal(this.parts.values());
    const released = this.releaseState(topic, revoked.map((part) => part.partition));
    this.pump();
    return released;
  }

  /** Has the executor flush the revoked keys' state and produces what came of it; tracked, so a drain waits for it. */
  private releaseState(topic: string, partitions: readonly number[]): Promise<void> {
    const { executor, onStateReleased } = this.hooks;
    if (executor.revoke === undefined || onStateReleased === undefined) return Promise.resolve();
    const revoke = executor.revoke.bind(executor);
    this.settling += 1;
    return (async () => {
      const released = await revoke(topic, partitions).catch((err: unknown) => ({ outputs: [], errors: [`revoke did not run: ${describeError(err)}`] }));
      if (released.outputs.length === 0 && released.errors.length === 0) return;
      for (let failures = 1, errors = released.errors; ; failures += 1, errors = []) {
        try {
          await onStateReleased(topic, partitions, { outputs: released.outputs, errors });
          return;
        } catch {
          this.counters.produceErrors += 1;
          if (!(await this.shutdown.sleep(retryDelayMs(failures, this.options, this.clock.random)))) return;
        }
      }
    })().finally(() => {
      this.settling -= 1;
      this.notifyIdle();
    });
  }

  // ── lifecycle and reading ────────────────────────────────────────────────────────────────────

  /**
   * Stops starting chunks and retries, then waits for running chunks and their outputs. Resolves
   * true when all finished, false at the timeout. Unfinished records stay uncommitted.
   */
  drain(timeoutMs: number): Promise<boolean> {
    const drained = this.shutdown.drain(timeoutMs, this.idle());
    this.flow.wakeResumeWaiters();
    return drained;
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

  /** Records taken and not yet committable over all partitions: what the total bound limits. */
  get uncommittedRecords(): number {
    return this.flow.uncommittedRecords;
  }

  /**
   * Resolves once backpressure resumes a partition, the dispatcher drains, or `timeoutMs`
   * passes: lets the fetch loop wait for room instead of polling while everything is paused.
   */
  waitForResume(timeoutMs: number): Promise<void> {
    return this.shutdown.draining ? Promise.resolve() : this.flow.waitForResume(timeoutMs);
  }

  /** Time from fetch to completion (processed or dead-lettered) of every completed record. */
  endToEndSeconds(): BucketSnapshot {
    return this.endToEnd.snapshot();
  }

  stats(): DispatcherStats {
    return {
      ...this.counters,
      uncommittedRecords: this.flow.uncommittedRecords,
      uncommittedBytes: this.flow.uncommittedBytes,
      pendingRecords: this.parts.pendingRecords(),
      trackedPartitions: this.parts.size,
      pausedPartitions: this.flow.pausedCount,
      runningChunks: this.runningChunks,
      chunkSize: this.chunkSizer.size,
      executorQueuedChunks: this.hooks.executor.queued,
    };
  }

  private assertOpen(): void {
    if (this.shutdown.draining) throw new AppError('SHUTTING_DOWN', 'the dispatcher is draining and takes no new records', { retriable: false });
  }

  private idle(): boolean {
    return this.runningChunks === 0 && this.settling === 0;
  }

  private notifyIdle(): void {
    this.shutdown.settled(this.idle());
  }
}

function isPlainOk(outcome: RecordOutcome): boolean {
  return outcome === OK_WITHOUT_OUTPUTS || (outcome.status === 'ok' && outcome.outputs.length === 0);
}
