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
  const figures = emptyVerdictFigures();
  judgePartition(input, figures);
  return { health: HEALTH_STATES[figures.health] ?? 'OK', reason: formatHealthReason(figures, input) };
}

/** Which rule gave the verdict; `formatHealthReason` words it. */
export const VERDICT_RULES = ['no-samples', 'no-lag', 'caught-up', 'warming-up', 'stop', 'stall', 'warn', 'advancing'] as const;

/**
 * A verdict as numbers, so that a view can keep it in a column and word it only when asked:
 * the rule (index in VERDICT_RULES) and the figures its reason names.
 */
export interface VerdictFigures {
  /** Index in HEALTH_STATES. */
  health: number;
  /** Index in VERDICT_RULES. */
  rule: number;
  samples: number;
  /** Span of the samples, or for caught-up how long ago the lag was 0. */
  ms: number;
  /** First committed offset of the window; NaN when none. */
  firstCommitted: number;
  firstLag: number;
  lastLag: number;
}

export function emptyVerdictFigures(): VerdictFigures {
  return { health: 0, rule: 0, samples: 0, ms: 0, firstCommitted: Number.NaN, firstLag: 0, lastLag: 0 };
}

/** `partitionHealth` without the words: fills `out` (reused across calls) and returns the health index. */
export function judgePartition(input: HealthInput, out: VerdictFigures): number {
  const from = input.from ?? 0;
  const n = input.count ?? Math.min(input.atMs.length, input.committed.length, input.lag.length) - from;
  const at = input.atMs;
  const lags = input.lag;
  out.samples = Math.max(n, 0);
  out.firstCommitted = Number.NaN;
  if (n <= 0) return verdict(out, 0);
  const lastLag = lags[from + n - 1] as number;
  out.lastLag = lastLag;
  out.firstLag = lags[from] as number;
  if (lastLag === 0) return verdict(out, 1);
  for (let i = n - 2; i >= 0; i -= 1) {
    if (lags[from + i] === 0) return verdict(out, 2, input.nowMs - (at[from + i] as number));
  }

  const spanMs = input.nowMs - (at[from] as number);
  if (n < input.minSamples || spanMs < input.windowMs) return verdict(out, 3, spanMs);

  const firstCommitted = committedAt(input.committed, from);
  out.firstCommitted = firstCommitted ?? Number.NaN;
  let moved = false;
  for (let i = 1; i < n; i += 1) {
    if (committedAt(input.committed, from + i) !== firstCommitted) {
      moved = true;
      break;
    }
  }
  if (!moved) return input.members === 0 ? verdict(out, 4, spanMs) : verdict(out, 5, spanMs);

  const firstLag = lags[from] as number;
  let neverShrank = true;
  for (let i = 1; i < n; i += 1) {
    if ((lags[from + i] as number) < (lags[from + i - 1] as number)) {
      neverShrank = false;
      break;
    }
  }
  if (lastLag > firstLag && neverShrank) return verdict(out, 6, spanMs);
  return verdict(out, 7, spanMs);
}

/**
 * The health each rule gives (index in HEALTH_STATES, by index in VERDICT_RULES): the rule is the
 * verdict, so a column of rules needs no column of health beside it.
 */
export const RULE_HEALTH: readonly number[] = [0, 0, 0, 0, 3, 2, 1, 0];

/** Records a verdict in `out` (a module function: a closure per call cost more than the rules). */
function verdict(out: VerdictFigures, rule: number, ms = 0): number {
  out.health = RULE_HEALTH[rule] as number;
  out.rule = rule;
  out.ms = ms;
  return out.health;
}

function committedAt(committed: ArrayLike<number | null>, i: number): number | null {
  const v = committed[i];
  return v === undefined || v === null || Number.isNaN(v) ? null : v;
}

/** The reason of a verdict, in words: e.g. "committed offset 120 unchanged for 30 s with lag 4000". */
export function formatHealthReason(f: VerdictFigures, context: { minSamples: number; windowMs: number; members: number }): string {
  const what = Number.isNaN(f.firstCommitted) ? 'no commit' : `committed offset ${f.firstCommitted} unchanged`;
  switch (VERDICT_RULES[f.rule]) {
    case 'no-lag':
      return 'no lag';
    case 'caught-up':
      return `lag ${f.lastLag}, but caught up ${seconds(f.ms)} ago`;
    case 'warming-up':
      return `warming up: ${f.samples} of ${context.minSamples} samples over ${seconds(f.ms)} of ${seconds(context.windowMs)}${context.members === 0 ? ', no members' : ''}`;
    case 'stop':
      return `no members; ${what} for ${seconds(f.ms)} with lag ${f.lastLag}`;
    case 'stall':
      return `${what} for ${seconds(f.ms)} with lag ${f.lastLag} and ${context.members} members`;
    case 'warn':
      return `lag grew from ${f.firstLag} to ${f.lastLag} over ${seconds(f.ms)} while commits advanced`;
    case 'advancing':
      return `commits advancing, lag ${f.lastLag}`;
    default:
      return 'no samples yet';
  }
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
