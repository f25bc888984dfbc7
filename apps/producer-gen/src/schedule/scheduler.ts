import { cumulativeAt, profileEndMs, type RateProfile } from './rate-profile.js';

/** When a run stops: after `maxRecords` records, after `durationMs`, whichever comes first. */
export interface ScheduleLimits {
  maxRecords?: number;
  durationMs?: number;
}

// cumulativeAt can land a hair under a whole number the exact maths reaches (19999.999999996
// for 20000); a millionth of a record keeps such a boundary from costing the run one record.
const FLOOR_SLACK = 1e-6;

function recordsBy(profile: RateProfile, tMs: number): number {
  return Math.floor(cumulativeAt(profile, tMs) + FLOOR_SLACK);
}

/**
 * How many records to send now so that `sentSoFar` catches up with the profile at `elapsedMs`:
 * `floor(cumulativeAt(min(elapsedMs, durationMs))) − sentSoFar`, clamped to
 * [0, maxRecords − sentSoFar]. A producer that fell behind gets its whole backlog; cap each
 * tick's batch yourself if that matters.
 */
export function recordsDue(profile: RateProfile, elapsedMs: number, sentSoFar: number, limits: ScheduleLimits = {}): number {
  const untilMs = limits.durationMs === undefined ? elapsedMs : Math.min(elapsedMs, limits.durationMs);
  let due = recordsBy(profile, untilMs) - sentSoFar;
  if (limits.maxRecords !== undefined) due = Math.min(due, limits.maxRecords - sentSoFar);
  return Math.max(0, due);
}

/**
 * True when the run is over: `maxRecords` sent, or `durationMs` elapsed, or the profile has gone
 * quiet for good (`profileEndMs`) and everything it asked for is sent. Per tick, call
 * `recordsDue`, send that many, then `isDone`: the first tick past the duration then sends the
 * remainder, so a producer that keeps up sends exactly `plannedRecords`.
 */
export function isDone(profile: RateProfile, elapsedMs: number, sentSoFar: number, limits: ScheduleLimits = {}): boolean {
  if (limits.maxRecords !== undefined && sentSoFar >= limits.maxRecords) return true;
  if (limits.durationMs !== undefined && elapsedMs >= limits.durationMs) return true;
  return elapsedMs >= profileEndMs(profile) && recordsDue(profile, elapsedMs, sentSoFar, limits) === 0;
}

/** Records the whole run will send (for a progress bar's total), or Infinity when unbounded. */
export function plannedRecords(profile: RateProfile, limits: ScheduleLimits = {}): number {
  const endMs = Math.min(limits.durationMs ?? Infinity, profileEndMs(profile));
  const byTime = endMs === Infinity ? Infinity : recordsBy(profile, endMs);
  return Math.min(byTime, limits.maxRecords ?? Infinity);
}
