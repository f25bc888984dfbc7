import { AppError } from '@lagscale/kafka-core';

const INITIAL_CAPACITY = 64;

/**
 * The completed-prefix tracker of one partition. Records are `add`ed in offset order as they are
 * fetched and `complete`d in any order; `committable()` is the offset to commit (Kafka semantics:
 * the next offset to read), which never passes an incomplete record.
 *
 * The uncommitted records (from the committable offset on, done or not) sit in a ring buffer with
 * a completed flag and a byte count each; completing the head pops the completed prefix, so every
 * record is pushed and popped once: O(1) amortised. Finding a record to complete is O(1) when
 * offsets are dense and a binary search over the ring when compaction or transaction markers
 * leave gaps.
 */
export class OffsetTracker {
  private offsets = new Float64Array(INITIAL_CAPACITY);
  private done = new Uint8Array(INITIAL_CAPACITY);
  private sizes = new Float64Array(INITIAL_CAPACITY);
  private head = 0;
  private size = 0;
  private pendingCount = 0;
  private bytes = 0;
  private highest: number | undefined;
  private progressed = false;
  private committed: number | undefined;

  /** Records added and not completed yet. */
  get pending(): number {
    return this.pendingCount;
  }

  /**
   * Records at or above the committable offset, done or not: what a crash now would redeliver.
   * Backpressure bounds this, not just the unfinished ones.
   */
  get uncommitted(): number {
    return this.size;
  }

  /** The bytes given with the uncommitted records. */
  get uncommittedBytes(): number {
    return this.bytes;
  }

  /** The highest offset ever added, or undefined before the first `add`. */
  get highestAdded(): number | undefined {
    return this.highest;
  }

  /** The last offset passed to `markCommitted` (the highest, if called out of order). */
  get lastCommitted(): number | undefined {
    return this.committed;
  }

  /** True when `committable()` is ahead of the last commit. */
  get needsCommit(): boolean {
    const offset = this.committable();
    return offset !== undefined && (this.committed === undefined || offset > this.committed);
  }

  /**
   * Starts tracking a fetched record of `bytes` bytes. Returns false, tracking nothing, for an
   * offset at or below one already added: a re-fetch of records this tracker already holds.
   */
  add(offset: number, bytes = 0): boolean {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new AppError('OFFSET_INVALID', `offset must be a non-negative safe integer (got ${offset})`, { retriable: false });
    }
    if (this.highest !== undefined && offset <= this.highest) return false;
    if (this.size === this.offsets.length) this.grow();
    const slot = (this.head + this.size) & (this.offsets.length - 1);
    this.offsets[slot] = offset;
    this.done[slot] = 0;
    this.sizes[slot] = bytes;
    this.size += 1;
    this.bytes += bytes;
    this.pendingCount += 1;
    this.highest = offset;
    return true;
  }

  /**
   * Offsets up to `offset` that hold no record to process (transaction markers, aborted
   * records): once every record before them is done, the committable offset moves past them,
   * or a partition whose log ends with a marker would never commit up to its end. A re-fetch of
   * them is not tracked again. No effect at or below the highest offset added.
   */
  skipThrough(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new AppError('OFFSET_INVALID', `offset must be a non-negative safe integer (got ${offset})`, { retriable: false });
    }
    if (this.highest !== undefined && offset <= this.highest) return;
    this.highest = offset;
    if (this.size === 0) this.progressed = true;
  }

  /** Marks a tracked record done. Returns false for an offset not tracked or already completed. */
  complete(offset: number): boolean {
    const index = this.indexOf(offset);
    if (index < 0) return false;
    const slot = (this.head + index) & (this.offsets.length - 1);
    if (this.done[slot] === 1) return false;
    this.done[slot] = 1;
    this.pendingCount -= 1;
    if (index === 0) this.popCompletedPrefix();
    return true;
  }

  /**
   * The offset to commit: the first incomplete tracked offset (skipping gaps before it), or one
   * past the highest added when all are complete. Undefined until some record completed.
   */
  committable(): number | undefined {
    if (!this.progressed || this.highest === undefined) return undefined;
    return this.size > 0 ? (this.offsets[this.head] as number) : this.highest + 1;
  }

  /** Records a successful commit; a stale (lower) offset never moves the mark back. */
  markCommitted(offset: number): void {
    if (this.committed === undefined || offset > this.committed) this.committed = offset;
  }

  private popCompletedPrefix(): void {
    const mask = this.offsets.length - 1;
    while (this.size > 0 && this.done[this.head] === 1) {
      this.bytes -= this.sizes[this.head] as number;
      this.head = (this.head + 1) & mask;
      this.size -= 1;
      this.progressed = true;
    }
  }

  /** Position of `offset` from the head, or -1. */
  private indexOf(offset: number): number {
    if (this.size === 0) return -1;
    const mask = this.offsets.length - 1;
    const first = this.offsets[this.head] as number;
    if (offset < first || offset > (this.highest as number)) return -1;
    // Offsets are strictly increasing, so a record sits at most `offset − first` slots in.
    const guess = offset - first;
    if (guess < this.size && this.offsets[(this.head + guess) & mask] === offset) return guess;
    let low = 0;
    let high = Math.min(guess, this.size - 1);
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.offsets[(this.head + mid) & mask] as number;
      if (value === offset) return mid;
      if (value < offset) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    const offsets = new Float64Array(capacity);
    const done = new Uint8Array(capacity);
    const sizes = new Float64Array(capacity);
    const mask = this.offsets.length - 1;
    for (let i = 0; i < this.size; i += 1) {
      offsets[i] = this.offsets[(this.head + i) & mask] as number;
      done[i] = this.done[(this.head + i) & mask] as number;
      sizes[i] = this.sizes[(this.head + i) & mask] as number;
    }
    this.offsets = offsets;
    this.done = done;
    this.sizes = sizes;
    this.head = 0;
  }
}
