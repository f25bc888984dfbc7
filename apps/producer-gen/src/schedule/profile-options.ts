import { parsers } from '@lagscale/kafka-core/config';
import { ConfigError } from '@lagscale/kafka-core/errors';
import { PROFILE_KINDS, type ProfileKind, type RatePoint, type RateProfile } from './rate-profile.js';
import { loadTrace } from './trace-file.js';

/**
 * Rate-profile settings as the CLI or env gives them. Each field is its flag in camelCase and
 * every problem names the flag (`--rate must be a positive number (got "abc")`). Rates are
 * records per second; durations are `500ms`, `10s`, `5m`, `1h` or a number of ms, which is why
 * these names carry no unit. Unset (undefined or empty) fields take `defaultProfileOptions`.
 */
export interface ProfileOptions {
  /** --profile: constant, ramp, step, spike or trace. */
  profile?: string;
  /** --rate: the constant rate; where a ramp starts; a spike's base; the first rate of a two-rate step. */
  rate?: number | string;
  /** --peak-rate: a spike's peak; where a ramp ends; the second rate of a two-rate step. */
  peakRate?: number | string;
  /** --ramp-duration: how long a ramp takes to go from --rate to --peak-rate. */
  rampDuration?: number | string;
  /** --spike-at: when a spike starts, or when a two-rate step switches to --peak-rate. */
  spikeAt?: number | string;
  /** --spike-duration: how long a spike lasts. */
  spikeDuration?: number | string;
  /** --steps: step profile as `time:rate` pairs, e.g. `0s:1000,30s:5000,1m:2000` (instead of the two-rate form). */
  steps?: string;
  /** --trace-file: CSV `seconds,rate` lines or JSON `[{"atMs": …, "rate": …}]` (see `parseTrace`). */
  traceFile?: string;
}

export const defaultProfileOptions = {
  profile: 'constant',
  rate: 1_000,
} as const satisfies ProfileOptions;

type Raw = number | string | undefined;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const durationParser = parsers.duration();

function isUnset(raw: Raw): raw is undefined {
  return raw === undefined || (typeof raw === 'string' && raw.trim() === '');
}

function got(raw: Raw): string {
  return `(got "${String(raw)}")`;
}

/** A rate ≥ 0 (or > 0), or undefined after recording the problem. */
function readRate(raw: Raw, flag: string, positive: boolean, problems: string[]): number | undefined {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const value = typeof text === 'number' ? text : text !== undefined && NUMBER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    problems.push(`${flag} must be a ${positive ? 'positive number' : 'number ≥ 0'} ${got(raw)}`);
    return undefined;
  }
  return value;
}

/** A duration in ms ≥ 0 (or > 0), or undefined after recording the problem. */
function readDurationMs(raw: Raw, flag: string, positive: boolean, problems: string[]): number | undefined {
  let value: number;
  if (typeof raw === 'number') {
    value = raw;
  } else {
    const parsed = durationParser.safeParse(raw ?? '');
    if (!parsed.success) {
      problems.push(`${flag} ${parsed.error.issues[0]?.message ?? 'must be a duration with a unit: ms, s, m or h'} ${got(raw)}`);
      return undefined;
    }
    value = parsed.data;
  }
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    problems.push(`${flag} must be a duration ${positive ? 'longer than 0' : '≥ 0'} ${got(raw)}`);
    return undefined;
  }
  return value;
}

/** Records "`flag` is required" unless set; returns whether it is set. */
function required(raw: Raw, flag: string, kind: ProfileKind, problems: string[]): raw is number | string {
  if (!isUnset(raw)) return true;
  problems.push(`${flag} is required with --profile ${kind}`);
  return false;
}

function readSteps(raw: string, problems: string[]): RatePoint[] {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const steps: RatePoint[] = [];
  let previous: string | undefined;
  entries.forEach((entry, index) => {
    const [time, rate, ...extra] = entry.split(':');
    const flag = `--steps entry ${index + 1}`;
    if (time === undefined || rate === undefined || extra.length > 0) {
      problems.push(`${flag} must be time:rate like 30s:5000 ${got(entry)}`);
      return;
    }
    const atMs = readDurationMs(time.trim(), `${flag} time`, false, problems);
    const value = readRate(rate.trim(), `${flag} rate`, false, problems);
    if (atMs === undefined || value === undefined) return;
    const last = steps[steps.length - 1];
    if (last !== undefined && atMs <= last.atMs) {
      problems.push(`--steps times must increase ("${entry}" is not after "${previous}")`);
      return;
    }
    steps.push({ atMs, rate: value });
    previous = entry;
  });
  if (entries.length === 0) problems.push(`--steps must list time:rate pairs like 0s:1000,30s:5000 ${got(raw)}`);
  return steps;
}

function stepProfile(options: ProfileOptions, rate: Raw, problems: string[]): RateProfile {
  if (!isUnset(options.steps)) return { kind: 'step', steps: readSteps(options.steps, problems) };
  // the two-rate form: --rate, then --peak-rate from --spike-at
  if (isUnset(options.peakRate) || isUnset(options.spikeAt)) {
    problems.push('--steps, or --peak-rate with --spike-at, is required with --profile step');
    return { kind: 'step', steps: [] };
  }
  const first = readRate(rate, '--rate', false, problems) ?? 0;
  const second = readRate(options.peakRate, '--peak-rate', false, problems) ?? 0;
  const atMs = readDurationMs(options.spikeAt, '--spike-at', true, problems) ?? 0;
  return {
    kind: 'step',
    steps: [
      { atMs: 0, rate: first },
      { atMs, rate: second },
    ],
  };
}

/**
 * The rate profile the options describe, over `defaultProfileOptions`. Reads the trace file of
 * a trace profile (synchronously: this runs once, at startup). Throws one ConfigError listing
 * every problem, each naming its flag. Options of other profiles are ignored.
 */
export function parseProfile(options: ProfileOptions = {}): RateProfile {
  const kindText = isUnset(options.profile) ? defaultProfileOptions.profile : options.profile.trim().toLowerCase();
  if (!(PROFILE_KINDS as readonly string[]).includes(kindText)) {
    throw new ConfigError([`--profile must be one of ${PROFILE_KINDS.join(', ')} ${got(options.profile)}`]);
  }
  const kind = kindText as ProfileKind;
  const rate = isUnset(options.rate) ? defaultProfileOptions.rate : options.rate;
  const problems: string[] = [];
  let profile: RateProfile;
  switch (kind) {
    case 'constant':
      profile = { kind, rate: readRate(rate, '--rate', true, problems) ?? 0 };
      break;
    case 'ramp': {
      const from = readRate(rate, '--rate', false, problems) ?? 0;
      const to = required(options.peakRate, '--peak-rate', kind, problems) ? readRate(options.peakRate, '--peak-rate', false, problems) : undefined;
      const durationMs = required(options.rampDuration, '--ramp-duration', kind, problems)
        ? readDurationMs(options.rampDuration, '--ramp-duration', true, problems)
        : undefined;
      profile = { kind, from, to: to ?? 0, durationMs: durationMs ?? 0 };
      break;
    }
    case 'spike': {
      const base = readRate(rate, '--rate', false, problems) ?? 0;
      const peak = required(options.peakRate, '--peak-rate', kind, problems) ? readRate(options.peakRate, '--peak-rate', false, problems) : undefined;
      const atMs = required(options.spikeAt, '--spike-at', kind, problems) ? readDurationMs(options.spikeAt, '--spike-at', false, problems) : undefined;
      const durationMs = required(options.spikeDuration, '--spike-duration', kind, problems)
        ? readDurationMs(options.spikeDuration, '--spike-duration', true, problems)
        : undefined;
      profile = { kind, base, peak: peak ?? 0, atMs: atMs ?? 0, durationMs: durationMs ?? 0 };
      break;
    }
    case 'step':
      profile = stepProfile(options, rate, problems);
      break;
    case 'trace':
      if (!required(options.traceFile, '--trace-file', kind, problems)) throw new ConfigError(problems);
      // loadTrace throws its own ConfigError, each problem naming --trace-file
      profile = { kind, points: loadTrace(options.traceFile) };
      break;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return profile;
}

/**
 * `parseProfile`, except that `--rate max` means no schedule at all (as fast as the broker
 * takes records): then undefined.
 */
export function profileFromSettings(settings: ProfileOptions): RateProfile | undefined {
  if (typeof settings.rate === 'string' && settings.rate.trim().toLowerCase() === 'max') return undefined;
  return parseProfile(settings);
}
