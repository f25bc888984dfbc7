import { partitionOverMark, totalOverBound, type TotalBounds, type WaterMarks } from './backpressure.js';
import type { DispatcherClock } from './clock.js';
import type { PartitionState } from './dispatch-state.js';

/** Where flow control pauses and resumes fetching (the consumer's pause/resume). */
export interface FlowHooks {
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
}

/**
 * The dispatcher's backpressure: totals of records and bytes in flight and of the uncommitted
 * window, and the pause state of each partition (over its marks, or everything over the total
 * bounds). Records are counted one by one, as cheap arithmetic; the pause decisions run once
 * per batch or chunk, through `update` / `updateTotal`.
 */
export class FlowControl {
  /** Records tracked and not completed. */
  inFlightRecords = 0;
  /** Key + value bytes of those records. */
  inFlightBytes = 0;
  /** Σ tracker windows: fetched and not yet committable, what a crash would redeliver. */
  windowRecords = 0;
  /** Partitions paused now. */
  pausedCount = 0;
  private totalOver = false;
  private readonly resumeWaiters = new Set<() => void>();

  constructor(
    private readonly options: WaterMarks & TotalBounds,
    private readonly hooks: FlowHooks,
    private readonly clock: DispatcherClock,
  ) {}

  /** Tracks a fetched record's offset and bytes; false (nothing counted) for one already held. */
  add(part: PartitionState, offset: number, bytes: number): boolean {
    // A re-fetch of records we already hold would otherwise run them twice.
    if (!part.tracker.add(offset)) return false;
    part.bytes += bytes;
    this.inFlightRecords += 1;
    this.inFlightBytes += bytes;
    return true;
  }

  /** Completes a tracked record; false when it was not in flight (revoked, or done already). */
  complete(part: PartitionState, offset: number, bytes: number): boolean {
    if (part.revoked || !part.tracker.complete(offset)) return false;
    part.bytes -= bytes;
    this.inFlightRecords -= 1;
    this.inFlightBytes -= bytes;
    return true;
  }

  /** Forgets a revoked partition's records. */
  forget(part: PartitionState): void {
    this.inFlightRecords -= part.tracker.inFlight;
    this.windowRecords -= part.countedWindow;
    this.inFlightBytes -= part.bytes;
    if (part.paused) this.pausedCount -= 1;
    this.wakeResumeWaiters();
  }

  /** Brings the total window up to date with the partition's tracker, then applies its marks. */
  update(part: PartitionState): void {
    const window = part.tracker.window;
    this.windowRecords += window - part.countedWindow;
    part.countedWindow = window;
    part.overMark = partitionOverMark(window, part.overMark, this.options);
    this.apply(part);
  }

  /** Applies the total bounds to every partition when crossing them. */
  updateTotal(parts: Iterable<PartitionState>): void {
    const over = totalOverBound(this.windowRecords, this.inFlightBytes, this.totalOver, this.options);
    if (over === this.totalOver) return;
    this.totalOver = over;
    for (const part of parts) this.apply(part);
  }

  /**
   * Resolves once a partition resumes, `wakeResumeWaiters` is called, or `timeoutMs` passes: lets
   * the fetch loop wait for room instead of polling while everything is paused.
   */
  waitForResume(timeoutMs: number): Promise<void> {
    if (this.pausedCount === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.clock.clearTimeout(timer);
        this.resumeWaiters.delete(wake);
        resolve();
      };
      const timer = this.clock.setTimeout(wake, timeoutMs);
      this.resumeWaiters.add(wake);
    });
  }

  wakeResumeWaiters(): void {
    for (const wake of [...this.resumeWaiters]) wake();
  }

  private apply(part: PartitionState): void {
    const paused = !part.revoked && (part.overMark || this.totalOver);
    if (paused === part.paused) return;
    part.paused = paused;
    this.pausedCount += paused ? 1 : -1;
    if (paused) this.hooks.pause(part.topic, part.partition);
    else {
      this.hooks.resume(part.topic, part.partition);
      this.wakeResumeWaiters();
    }
  }
}
