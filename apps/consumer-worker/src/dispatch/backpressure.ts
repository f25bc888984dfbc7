/** Share of the total bounds the in-flight totals must fall to before a global pause lifts. */
export const TOTAL_RESUME_RATIO = 0.75;

export interface WaterMarks {
  highWaterMark: number;
  lowWaterMark: number;
}

export interface TotalBounds {
  maxInFlightRecords: number;
  maxInFlightBytes: number;
}

/**
 * Whether a partition should be paused: it goes over when its in-flight records pass the high
 * mark and stays over until they drop below the low mark, so it does not flap at one threshold.
 */
export function partitionOverMark(inFlight: number, wasOver: boolean, marks: WaterMarks): boolean {
  return wasOver ? inFlight >= marks.lowWaterMark : inFlight > marks.highWaterMark;
}

/**
 * Whether every partition should be paused: over either total bound, and (with the same
 * hysteresis as the marks) until both totals are back under `TOTAL_RESUME_RATIO` of their bounds.
 */
export function totalOverBound(records: number, bytes: number, wasOver: boolean, bounds: TotalBounds): boolean {
  const ratio = wasOver ? TOTAL_RESUME_RATIO : 1;
  return records > bounds.maxInFlightRecords * ratio || bytes > bounds.maxInFlightBytes * ratio;
}
