/**
 * Bounds on the uncommitted records: fetched and not yet committable, done or not. They are what a
 * crash would redeliver and what the consumer holds in memory, so fetching pauses past them.
 */
export interface BackpressureOptions {
  /** Pause a partition when its uncommitted records pass this. */
  highWaterMark: number;
  /** Resume a paused partition once its uncommitted records drop below this. */
  lowWaterMark: number;
  /** Pause every partition while the uncommitted records of all partitions exceed this. */
  maxUncommittedRecords: number;
  /** Pause every partition while the key + value bytes of the uncommitted records exceed this. */
  maxUncommittedBytes: number;
}

export const defaultBackpressureOptions = {
  // Above what one fetch of a partition brings (1 MB: ~7,000 records of 100 B), so that one fetch
  // does not pause its partition and drain the pipeline between fetches (decision 0029).
  highWaterMark: 10_000,
  lowWaterMark: 5_000,
  maxUncommittedRecords: 50_000,
  maxUncommittedBytes: 64 * 1024 * 1024,
} satisfies BackpressureOptions;

/** Share of the total bounds the uncommitted totals must fall to before a global pause lifts. */
export const TOTAL_RESUME_RATIO = 0.75;

export type WaterMarks = Pick<BackpressureOptions, 'highWaterMark' | 'lowWaterMark'>;

export type TotalBounds = Pick<BackpressureOptions, 'maxUncommittedRecords' | 'maxUncommittedBytes'>;

/**
 * Whether a partition should be paused: it goes over when its uncommitted records pass the high
 * mark and stays over until they drop below the low mark, so it does not flap at one threshold.
 */
export function partitionOverMark(uncommitted: number, wasOver: boolean, marks: WaterMarks): boolean {
  return wasOver ? uncommitted >= marks.lowWaterMark : uncommitted > marks.highWaterMark;
}

/**
 * Whether every partition should be paused: over either total bound, and (with the same
 * hysteresis as the marks) until both totals are back under `TOTAL_RESUME_RATIO` of their bounds.
 */
export function totalOverBound(records: number, bytes: number, wasOver: boolean, bounds: TotalBounds): boolean {
  const ratio = wasOver ? TOTAL_RESUME_RATIO : 1;
  return records > bounds.maxUncommittedRecords * ratio || bytes > bounds.maxUncommittedBytes * ratio;
}
