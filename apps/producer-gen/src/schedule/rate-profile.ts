export const PROFILE_KINDS = ['constant', 'ramp', 'step', 'spike', 'trace'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** From `atMs` after the start of the run, `rate` records per second. */
export interface RatePoint {
  readonly atMs: number;
  readonly rate: number;
}

/** `rate` records/s throughout. */
export interface ConstantProfile {
  readonly kind: 'constant';
  readonly rate: number;
}

/** Linear from `from` to `to` records/s over `durationMs`, then holds `to`. */
export interface RampProfile {
  readonly kind: 'ramp';
  readonly from: number;
  readonly to: number;
  readonly durationMs: number;
}

/** Piecewise constant: each step's rate from its `atMs` to the next step; 0 before the first. */
export interface StepProfile {
  readonly kind: 'step';
  readonly steps: readonly RatePoint[];
}

/** `base` records/s, except `peak` from `atMs` for `durationMs`. */
export interface SpikeProfile {
  readonly kind: 'spike';
  readonly base: number;
  readonly peak: number;
  readonly atMs: number;
  readonly durationMs: number;
}

/** Piecewise linear between points, then holds the last rate; 0 before the first point. */
export interface TraceProfile {
  readonly kind: 'trace';
  readonly points: readonly RatePoint[];
}

/**
 * Target send rate as a function of time since the start of the run: rates in records per
 * second, times in ms since the start, nothing before 0. Step and trace points are in
 * strictly increasing `atMs` order (`parseProfile` checks). Profiles are immutable values:
 * their prefix sums are memoised on the points array.
 */
export type RateProfile = ConstantProfile | RampProfile | StepProfile | SpikeProfile | TraceProfile;

const MS_PER_S = 1_000;

/** Index of the last point at or before `tMs`, or −1 when every point is later. */
function pointIndexAt(points: readonly RatePoint[], tMs: number): number {
  let low = 0;
  let high = points.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((points[mid] as RatePoint).atMs <= tMs) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

// Records sent from 0 to each point's atMs; built once per points array, so cumulativeAt on a
// long trace is a binary search rather than a walk over every point on each scheduler tick.
const stepPrefixes = new WeakMap<readonly RatePoint[], Float64Array>();
const tracePrefixes = new WeakMap<readonly RatePoint[], Float64Array>();

function prefixSums(points: readonly RatePoint[], kind: 'step' | 'trace'): Float64Array {
  const cache = kind === 'step' ? stepPrefixes : tracePrefixes;
  let sums = cache.get(points);
  if (sums === undefined) {
    sums = new Float64Array(points.length);
    for (let i = 1; i < points.length; i += 1) {
      const previous = points[i - 1] as RatePoint;
      const current = points[i] as RatePoint;
      const span = current.atMs - previous.atMs;
      const meanRate = kind === 'step' ? previous.rate : (previous.rate + current.rate) / 2;
      sums[i] = (sums[i - 1] as number) + (meanRate * span) / MS_PER_S;
    }
    cache.set(points, sums);
  }
  return sums;
}

/** The target rate, records per second, at `tMs` after the start. */
export function rateAt(profile: RateProfile, tMs: number): number {
  if (tMs < 0) return 0;
  switch (profile.kind) {
    case 'constant':
      return profile.rate;
    case 'ramp':
      return tMs >= profile.durationMs ? profile.to : profile.from + ((profile.to - profile.from) * tMs) / profile.durationMs;
    case 'spike':
      return tMs >= profile.atMs && tMs < profile.atMs + profile.durationMs ? profile.peak : profile.base;
    case 'step': {
      const step = profile.steps[pointIndexAt(profile.steps, tMs)];
      return step === undefined ? 0 : step.rate;
    }
    case 'trace': {
      const i = pointIndexAt(profile.points, tMs);
      const point = profile.points[i];
      const next = profile.points[i + 1];
      if (point === undefined) return 0;
      if (next === undefined) return point.rate;
      return point.rate + ((next.rate - point.rate) * (tMs - point.atMs)) / (next.atMs - point.atMs);
    }
  }
}

/**
 * Records due from the start to `tMs`: the exact integral of `rateAt` over [0, tMs], in closed
 * form per segment (fractional; the scheduler floors it).
 */
export function cumulativeAt(profile: RateProfile, tMs: number): number {
  if (tMs <= 0) return 0;
  switch (profile.kind) {
    case 'constant':
      return (profile.rate * tMs) / MS_PER_S;
    case 'ramp': {
      const { from, to, durationMs } = profile;
      if (tMs <= durationMs) return (from * tMs + ((to - from) * tMs * tMs) / (2 * durationMs)) / MS_PER_S;
      return (((from + to) / 2) * durationMs + to * (tMs - durationMs)) / MS_PER_S;
    }
    case 'spike': {
      const peakMs = Math.min(Math.max(tMs - profile.atMs, 0), profile.durationMs);
      return (profile.base * tMs + (profile.peak - profile.base) * peakMs) / MS_PER_S;
    }
    case 'step': {
      const i = pointIndexAt(profile.steps, tMs);
      const step = profile.steps[i];
      if (step === undefined) return 0;
      return (prefixSums(profile.steps, 'step')[i] as number) + (step.rate * (tMs - step.atMs)) / MS_PER_S;
    }
    case 'trace': {
      const i = pointIndexAt(profile.points, tMs);
      const point = profile.points[i];
      if (point === undefined) return 0;
      const before = prefixSums(profile.points, 'trace')[i] as number;
      const next = profile.points[i + 1];
      const sinceMs = tMs - point.atMs;
      if (next === undefined) return before + (point.rate * sinceMs) / MS_PER_S;
      const slope = (next.rate - point.rate) / (next.atMs - point.atMs);
      return before + (point.rate * sinceMs + (slope * sinceMs * sinceMs) / 2) / MS_PER_S;
    }
  }
}

/** When the last point with a positive rate stops contributing, or Infinity if one never does. */
function quietAfterPoints(points: readonly RatePoint[]): number {
  const last = points[points.length - 1];
  if (last === undefined) return 0;
  if (last.rate > 0) return Infinity;
  for (let i = points.length - 2; i >= 0; i -= 1) {
    if ((points[i] as RatePoint).rate > 0) return (points[i + 1] as RatePoint).atMs;
  }
  return 0;
}

/**
 * The time from which the rate stays 0 for good (a trace that ends at rate 0, a ramp down to
 * 0), or Infinity when the profile never goes quiet. Lets a run end when its profile has.
 */
export function profileEndMs(profile: RateProfile): number {
  switch (profile.kind) {
    case 'constant':
      return profile.rate > 0 ? Infinity : 0;
    case 'ramp':
      return profile.to > 0 ? Infinity : profile.from > 0 ? profile.durationMs : 0;
    case 'spike':
      return profile.base > 0 ? Infinity : profile.peak > 0 ? profile.atMs + profile.durationMs : 0;
    case 'step':
      return quietAfterPoints(profile.steps);
    case 'trace':
      return quietAfterPoints(profile.points);
  }
}
