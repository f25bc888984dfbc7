import { partitionOverMark, type WaterMarks } from './backpressure.js';
import { OffsetTracker } from './offset-tracker.js';

/** A change of a partition's pause state: what the consumer must do for it. */
export type PauseChange = 'pause' | 'resume' | undefined;

/** What a partition reports since its last report: moves of its uncommitted counts, and a pause change. */
export interface PartitionChange {
  uncommittedRecords: number;
  uncommittedBytes: number;
  pause: PauseChange;
}

/** What a revoked partition held in the dispatcher's totals. */
export interface RevokedCounts {
  uncommittedRecords: number;
  uncommittedBytes: number;
  wasPaused: boolean;
}

/**
 * One partition this member consumes: its offset tracker, its counts, and whether backpressure
 * pauses it. Only its own methods change it, and those that move what others add up return the
 * change: `update` the moves of its uncommitted counts since its last report (the dispatcher's
 * totals hold the reported counts) and a pause or resume, `revoke` what it held. A revoked
 * partition stays revoked: outcomes that arrive late find it so and complete nothing.
 */
export class PartitionState {
  readonly #tracker = new OffsetTracker();
  #revoked = false;
  #overMark = false;
  #paused = false;
  #reportedRecords = 0;
  #reportedBytes = 0;

  /** Records of this partition whose processing completed (the dispatcher counts them, per topic in metrics). */
  processed = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get revoked(): boolean {
    return this.#revoked;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Records taken and not done yet: waiting, running, retrying, or producing their outputs. */
  get pendingRecords(): number {
    return this.#tracker.pending;
  }

  /** Records taken and not yet committable, done or not (see `OffsetTracker.uncommitted`). */
  get uncommittedRecords(): number {
    return this.#tracker.uncommitted;
  }

  /** The highest offset taken or skipped, or undefined before the first. */
  get highestTaken(): number | undefined {
    return this.#tracker.highestAdded;
  }

  /** Starts tracking a fetched record of `bytes` key + value bytes; false for one already held (a re-fetch). */
  take(offset: number, bytes: number): boolean {
    return this.#tracker.add(offset, bytes);
  }

  /** Fetched offsets up to `offset` with no record to process (markers, aborted records); see `OffsetTracker.skipThrough`. */
  skipThrough(offset: number): void {
    this.#tracker.skipThrough(offset);
  }

  /** Marks a record done; false when the partition was revoked or the record is not pending. */
  complete(offset: number): boolean {
    return !this.#revoked && this.#tracker.complete(offset);
  }

  /**
   * Reports the moves of its uncommitted counts since the last report, and applies its water marks
   * and the total bound (`totalOver`) to its pause state.
   */
  update(marks: WaterMarks, totalOver: boolean): PartitionChange {
    const records = this.#tracker.uncommitted;
    const bytes = this.#tracker.uncommittedBytes;
    const change: PartitionChange = { uncommittedRecords: records - this.#reportedRecords, uncommittedBytes: bytes - this.#reportedBytes, pause: undefined };
    this.#reportedRecords = records;
    this.#reportedBytes = bytes;
    this.#overMark = partitionOverMark(records, this.#overMark, marks);
    change.pause = this.#pause(this.#overMark || totalOver);
    return change;
  }

  /** Applies a new state of the total bound to its pause state; its counts are unchanged. */
  applyTotal(totalOver: boolean): PauseChange {
    return this.#pause(this.#overMark || totalOver);
  }

  /** The group took it away: returns what it held in the totals. Its pause is left to whoever owns it next. */
  revoke(): RevokedCounts {
    const held = { uncommittedRecords: this.#reportedRecords, uncommittedBytes: this.#reportedBytes, wasPaused: this.#paused };
    this.#revoked = true;
    this.#paused = false;
    this.#reportedRecords = 0;
    this.#reportedBytes = 0;
    return held;
  }

  /** The offset to commit (the next to read) when it moved past the last commit; else undefined. */
  commitOffset(): number | undefined {
    return this.#tracker.needsCommit ? this.#tracker.committable() : undefined;
  }

  /** Records a commit that succeeded; a stale (lower) offset never moves the mark back. */
  markCommitted(offset: number): void {
    this.#tracker.markCommitted(offset);
  }

  /** Offsets taken past the last commit (next to fetch − committed); 0 before the first commit. */
  get commitLag(): number {
    const committed = this.#tracker.lastCommitted;
    const highest = this.#tracker.highestAdded;
    return committed === undefined || highest === undefined ? 0 : Math.max(0, highest + 1 - committed);
  }

  #pause(paused: boolean): PauseChange {
    if (this.#revoked || paused === this.#paused) return undefined;
    this.#paused = paused;
    return paused ? 'pause' : 'resume';
  }
}
