import { HEALTH_STATES, type Health } from '../model/index.js';

/**
 * What the health rules see of one group on one partition. The admin API gives no commit
 * timestamps, so the rules judge the committed offsets sampled every cycle: the samples of the
 * window, oldest first, the first possibly just before the window (its anchor).
 */
export interface HealthInput {
  nowMs: number;
  windowMs: number;
  /** Samples needed, spanning the window, before anything but OK is said. */
  minSamples: number;
  /** Members of the group now; 0 when it is Empty or Dead. */
  members: number;
  atMs: ArrayLike<number>;
  /** Committed offset per sample; null (or NaN, in columns) while the group has none. */
  committed: ArrayLike<number | null>;
  lag: ArrayLike<number>;
  /** First sample of the arrays to judge (default 0): columns hold many series. */
  from?: number;
  /** Samples to judge from `from` (default: all). */
  count?: number;
}

export interface HealthVerdict {
  health: Health;
  reason: string;
}

/**
 * Burrow-style verdict of one partition, first rule that matches:
 *
 * 1. OK when the lag is 0 now or at any sample of the window (the group keeps catching up).
 * 2. OK "warming up" until `minSamples` samples span the whole window. No exception for an
 *    Empty group with lag: STOP means "no commit for longer than the window", which cannot be
 *    shown before the window is covered, and a monitor restart should not page on a guess.
 * 3. The committed offset did not change across the window (a partition never committed counts
 *    as unchanged) while the lag stayed above 0:
 *    - STOP when the group has no members: nobody is there to consume.
 *    - STALL when it has members: someone owns the partition and is not progressing.
 * 4. WARN when the offset moved but the lag grew over the window without shrinking at any step
 *    (Burrow's rule: the consumer runs but cannot keep up).
 * 5. OK otherwise: commits advance and the lag is not steadily growing.
 */
export function partitionHealth(input: HealthInput): HealthVerdict {
  const from = input.from ?? 0;
  const n = input.count ?? Math.min(input.atMs.length, input.committed.length, input.lag.length) - from;
  // Sample i of the series, i from 0.
  const atMs = (i: number) => input.atMs[from + i] as number;
  const lag = (i: number) => input.lag[from + i] as number;
  const committed = (i: number): number | null => {
    const v = input.committed[from + i];
    return v === undefined || v === null || Number.isNaN(v) ? null : v;
  };
  if (n <= 0) return { health: 'OK', reason: 'no samples yet' };
  const lastLag = lag(n - 1);
  if (lastLag === 0) return { health: 'OK', reason: 'no lag' };
  for (let i = n - 2; i >= 0; i -= 1) {
    if (lag(i) === 0) {
      return { health: 'OK', reason: `lag ${lastLag}, but caught up ${seconds(input.nowMs - atMs(i))} ago` };
    }
  }

  const spanMs = input.nowMs - atMs(0);
  if (n < input.minSamples || spanMs < input.windowMs) {
    const members = input.members === 0 ? ', no members' : '';
    return { health: 'OK', reason: `warming up: ${n} of ${input.minSamples} samples over ${seconds(spanMs)} of ${seconds(input.windowMs)}${members}` };
  }

  const firstCommitted = committed(0);
  let moved = false;
  for (let i = 1; i < n; i += 1) {
    if (committed(i) !== firstCommitted) {
      moved = true;
      break;
    }
  }
  if (!moved) {
    const what = firstCommitted === null ? 'no commit' : `committed offset ${firstCommitted} unchanged`;
    if (input.members === 0) return { health: 'STOP', reason: `no members; ${what} for ${seconds(spanMs)} with lag ${lastLag}` };
    return { health: 'STALL', reason: `${what} for ${seconds(spanMs)} with lag ${lastLag} and ${input.members} members` };
  }

  const firstLag = lag(0);
  let neverShrank = true;
  for (let i = 1; i < n; i += 1) {
    if (lag(i) < lag(i - 1)) {
      neverShrank = false;
      break;
    }
  }
  if (lastLag > firstLag && neverShrank) {
    return { health: 'WARN', reason: `lag grew from ${firstLag} to ${lastLag} over ${seconds(spanMs)} while commits advanced` };
  }
  return { health: 'OK', reason: `commits advancing, lag ${lastLag}` };
}

/** The worse of the verdicts (HEALTH_STATES lists them best first); OK for none. */
export function worstHealth(verdicts: Iterable<Health>): Health {
  let worst = 0;
  for (const health of verdicts) worst = Math.max(worst, healthCode(health));
  return HEALTH_STATES[worst] ?? 'OK';
}

/** 0 OK, 1 WARN, 2 STALL, 3 STOP: higher is worse, so `max()` over series gives the worst. */
export function healthCode(health: Health): number {
  return HEALTH_STATES.indexOf(health);
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
