import { totalOverBound, type BackpressureOptions } from './backpressure.js';
import type { DispatcherClock } from './clock.js';
import type { PartitionChange, PartitionState, PauseChange } from './partition-state.js';

/** Where flow control pauses and resumes fetching (the consumer's pause/resume). */
export interface FlowHooks {
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
}

/**
 * Backpressure over all partitions: the totals of uncommitted records and bytes, the total bound,
 * and the consumer's pause and resume. The totals move by what each partition reports
 * (`PartitionState.update`), once per batch or chunk, never per record.
 */
export class FlowControl {
  #uncommittedRecords = 0;
  #uncommittedBytes = 0;
  #pausedCount = 0;
  #totalOver = false;
  readonly #resumeWaiters = new Set<() => void>();

  constructor(
    private readonly options: BackpressureOptions,
    private readonly hooks: FlowHooks,
    private readonly clock: DispatcherClock,
  ) {}

  /** Records taken and not yet committable, over all partitions, as last reported. */
  get uncommittedRecords(): number {
    return this.#uncommittedRecords;
  }

  /** Key + value bytes of those records. */
  get uncommittedBytes(): number {
    return this.#uncommittedBytes;
  }

  /** Partitions paused now. */
  get pausedCount(): number {
    return this.#pausedCount;
  }

  /** Takes a partition's report (its counts moved) and pauses or resumes it by its marks. */
  update(part: PartitionState): void {
    const change: PartitionChange = part.update(this.options, this.#totalOver);
    this.#uncommittedRecords += change.uncommittedRecords;
    this.#uncommittedBytes += change.uncommittedBytes;
    this.#apply(part, change.pause);
  }

  /** Applies the total bounds to every partition when the totals cross them. */
  updateTotal(parts: Iterable<PartitionState>): void {
    const over = totalOverBound(this.#uncommittedRecords, this.#uncommittedBytes, this.#totalOver, this.options);
    if (over === this.#totalOver) return;
    this.#totalOver = over;
    for (const part of parts) this.#apply(part, part.applyTotal(over));
  }

  /** Revokes a partition and takes what it held out of the totals. */
  forget(part: PartitionState): void {
    const held = part.revoke();
    this.#uncommittedRecords -= held.uncommittedRecords;
    this.#uncommittedBytes -= held.uncommittedBytes;
    if (held.wasPaused) this.#pausedCount -= 1;
    this.wakeResumeWaiters();
  }

  /**
   * Resolves once a partition resumes, `wakeResumeWaiters` is called, or `timeoutMs` passes: lets
   * the fetch loop wait for room instead of polling while everything is paused.
   */
  waitForResume(timeoutMs: number): Promise<void> {
    if (this.#pausedCount === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.clock.clearTimeout(timer);
        this.#resumeWaiters.delete(wake);
        resolve();
      };
      const timer = this.clock.setTimeout(wake, timeoutMs);
      this.#resumeWaiters.add(wake);
    });
  }

  wakeResumeWaiters(): void {
    for (const wake of [...this.#resumeWaiters]) wake();
  }

  #apply(part: PartitionState, change: PauseChange): void {
    if (change === 'pause') {
      this.#pausedCount += 1;
      this.hooks.pause(part.topic, part.partition);
    } else if (change === 'resume') {
      this.#pausedCount -= 1;
      this.hooks.resume(part.topic, part.partition);
      this.wakeResumeWaiters();
    }
  }
}
