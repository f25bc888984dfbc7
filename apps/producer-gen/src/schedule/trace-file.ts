import { readFileSync } from 'node:fs';
import { ConfigError } from '@lagscale/kafka-core/errors';
import { z } from 'zod';
import type { RatePoint } from './rate-profile.js';

const FLAG = '--trace-file';
// a broken 10,000-line trace should not print 10,000 problems
const MAX_PROBLEMS = 10;

const jsonTraceSchema = z.array(
  z.object({ atMs: z.number({ error: 'must be a number' }), rate: z.number({ error: 'must be a number' }) }, { error: 'must be an object {"atMs": …, "rate": …}' }),
  { error: 'must be a JSON array of {"atMs": …, "rate": …}' },
);

/** A point as read, with where it came from (`line 4`, `entry 2`) for problem messages. */
interface SourcePoint {
  atMs: number;
  rate: number;
  where: string;
  /** The time as written in the file, so messages speak the file's unit. */
  timeText: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function csvPoints(text: string, problems: string[]): SourcePoint[] {
  const points: SourcePoint[] = [];
  let seenData = false;
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.replace(/#.*/, '').trim();
    if (line === '') return;
    const where = `line ${index + 1}`;
    const fields = line.split(',').map((field) => field.trim());
    const [seconds, rate] = fields;
    // a first line whose time is not a number is a header such as "seconds,rate"
    if (!seenData && seconds !== undefined && !NUMBER.test(seconds)) {
      seenData = true;
      return;
    }
    seenData = true;
    if (fields.length !== 2 || seconds === undefined || rate === undefined) {
      problems.push(`${FLAG} ${where} must be "seconds,rate" (got "${line}")`);
      return;
    }
    if (!NUMBER.test(seconds) || Number(seconds) < 0) {
      problems.push(`${FLAG} ${where}: seconds must be a number ≥ 0 (got "${seconds}")`);
      return;
    }
    if (!NUMBER.test(rate)) {
      problems.push(`${FLAG} ${where}: rate must be a number ≥ 0 (got "${rate}")`);
      return;
    }
    points.push({ atMs: Math.round(Number(seconds) * 1_000), rate: Number(rate), where, timeText: `${seconds} s` });
  });
  return points;
}

function jsonPoints(text: string, problems: string[]): SourcePoint[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    problems.push(`${FLAG} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
  const parsed = jsonTraceSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [index, field] = issue.path;
      const where = typeof index === 'number' ? ` entry ${index + 1}${field === undefined ? '' : ` ${String(field)}`}` : '';
      problems.push(`${FLAG}${where} ${issue.message}`);
    }
    return [];
  }
  return parsed.data.map((point, index) => ({ ...point, where: `entry ${index + 1}`, timeText: `${point.atMs} ms` }));
}

function checkedPoints(points: readonly SourcePoint[], problems: string[]): RatePoint[] {
  const checked: RatePoint[] = [];
  let previous: SourcePoint | undefined;
  for (const point of points) {
    if (!Number.isFinite(point.atMs) || point.atMs < 0) {
      problems.push(`${FLAG} ${point.where}: time must be ≥ 0 (got "${point.timeText}")`);
    } else if (!Number.isFinite(point.rate) || point.rate < 0) {
      problems.push(`${FLAG} ${point.where}: rate must be a number ≥ 0 (got "${point.rate}")`);
    } else if (previous !== undefined && point.atMs <= previous.atMs) {
      problems.push(`${FLAG} ${point.where}: times must increase (${point.timeText} is not after ${previous.timeText})`);
    } else {
      checked.push({ atMs: point.atMs, rate: point.rate });
      previous = point;
    }
  }
  return checked;
}

/**
 * Parses a rate trace: CSV lines `seconds,rate` (an optional header line, `#` comments and blank
 * lines allowed; seconds become whole ms) or a JSON array `[{"atMs": 0, "rate": 1000}, …]`,
 * told apart by a leading `[` (or `{`, reported as the wrong JSON shape). Times must increase
 * and rates be ≥ 0. Throws ConfigError naming `--trace-file` and the line or entry of each problem.
 */
export function parseTrace(text: string): RatePoint[] {
  const problems: string[] = [];
  const source = /^\s*[[{]/.test(text) ? jsonPoints(text, problems) : csvPoints(text, problems);
  const points = checkedPoints(source, problems);
  if (problems.length === 0 && points.length === 0) {
    problems.push(`${FLAG} has no points (expected "seconds,rate" lines or a JSON array of {"atMs", "rate"})`);
  }
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.splice(MAX_PROBLEMS, more, `${FLAG}: ${more} more problems`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return points;
}

/** Reads and parses a trace file (see `parseTrace`); an unreadable path is a ConfigError too. */
export function loadTrace(path: string): RatePoint[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError([`${FLAG} must name a readable file (got "${path}")`]);
  }
  return parseTrace(text);
}
