import { z } from 'zod';
import { ConfigError } from '../errors/app-error.js';

/** One setting read from the environment: its variable, meaning, default and validation. */
export interface EnvSpec<T> {
  readonly name: string;
  readonly description: string;
  /** `undefined` means required unless `optional` is set. */
  readonly defaultValue: T | undefined;
  readonly optional: boolean;
  /** Secrets are never echoed back in error messages or config dumps. */
  readonly secret: boolean;
  readonly schema: z.ZodType<T>;
}

export type EnvSpecs = Record<string, EnvSpec<unknown>>;

export type EnvValues<S extends EnvSpecs> = {
  [K in keyof S]: S[K] extends EnvSpec<infer T> ? (S[K]['optional'] extends true ? T | undefined : T) : never;
};

interface EnvOptions<T> {
  description: string;
  default?: T;
  optional?: boolean;
  secret?: boolean;
}

export function envVar<T>(name: string, schema: z.ZodType<T>, options: EnvOptions<NoInfer<T>>): EnvSpec<T> {
  return {
    name,
    description: options.description,
    defaultValue: options.default,
    optional: options.optional ?? false,
    secret: options.secret ?? false,
    schema,
  };
}

export function optionalEnvVar<T>(
  name: string,
  schema: z.ZodType<T>,
  options: Omit<EnvOptions<T>, 'optional' | 'default'>,
): EnvSpec<T> & { optional: true } {
  return { ...envVar(name, schema, { ...options, optional: true }), optional: true };
}

// Parsers from the raw string; each message completes "NAME <message> (got "raw")".
const trimmed = z.string().trim();

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

function durationParser(bareIsMs: boolean) {
  const expectation = bareIsMs
    ? 'must be a number of milliseconds or a duration like 500ms, 30s, 5m, 1h'
    : 'must be a duration with a unit: ms, s, m or h (e.g. 500ms, 30s, 5m)';
  // Zero needs no unit.
  const pattern = bareIsMs ? /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/ : /^(\d+(?:\.\d+)?)(ms|s|m|h)$|^(0)$/;
  return trimmed.regex(pattern, { error: expectation }).transform((s) => {
    const match = pattern.exec(s);
    const unit = (match?.[2] ?? 'ms') as keyof typeof DURATION_UNITS_MS;
    return match?.[3] === '0' ? 0 : Math.round(Number(match?.[1]) * DURATION_UNITS_MS[unit]);
  });
}

export const parsers = {
  string: () => trimmed.min(1, { error: 'must not be empty' }),
  int: (min = 0, max = Number.MAX_SAFE_INTEGER) => {
    const expectation =
      max !== Number.MAX_SAFE_INTEGER
        ? `must be an integer from ${min} to ${max}`
        : min === 1
          ? 'must be a positive integer'
          : `must be an integer ≥ ${min}`;
    return trimmed
      .regex(/^-?\d+$/, { error: expectation })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error: expectation });
  },
  number: (min = -Infinity, max = Infinity) =>
    trimmed
      .regex(/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i, { error: 'must be a number' })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error: `must be a number from ${min} to ${max}` }),
  bool: () =>
    trimmed
      .toLowerCase()
      .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), {
        error: 'must be true or false',
      })
      .transform((s) => ['true', '1', 'yes', 'on'].includes(s)),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    trimmed
      .toLowerCase()
      .refine((s): s is T[number] => (values as readonly string[]).includes(s), {
        error: `must be one of ${values.join(', ')}`,
      })
      .transform((s) => s as T[number]),
  list: () =>
    trimmed.transform((s) =>
      s
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    ),
  hostPortList: () =>
    trimmed
      .transform((s) =>
        s
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0),
      )
      .refine((list) => list.length > 0, { error: 'must list at least one host:port' })
      .refine((list) => list.every((hp) => /^[^\s:/]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i.test(hp)), {
        error: 'must be a comma-separated list of host:port',
      }),
  /**
   * A duration in ms for a setting whose name carries the unit (`LAG_MONITOR_INTERVAL_MS`,
   * `--interval-ms`): a bare number is milliseconds, as the name says; `500ms`, `30s`, `5m`, `1h`
   * work too.
   */
  durationMs: () => durationParser(true),
  /**
   * A duration in ms for a setting whose name carries no unit (`PRODUCER_DURATION`, `--duration`):
   * the unit is required, so `--duration 2` is an error rather than 2 ms.
   */
  duration: () => durationParser(false),
} as const;

/**
 * Reads every spec from `source` without throwing: the values that parsed and one problem per
 * bad variable. For configs with cross-setting rules, which run on what did parse.
 */
export function collectEnv<S extends EnvSpecs>(
  specs: S,
  source: Record<string, string | undefined> = process.env,
): { values: Partial<EnvValues<S>>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(specs)) {
    const raw = source[spec.name];
    if (raw === undefined || raw.trim() === '') {
      if (spec.defaultValue !== undefined || spec.optional) {
        values[key] = spec.defaultValue;
      } else {
        problems.push(`${spec.name} is required (${spec.description})`);
      }
      continue;
    }
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      values[key] = result.data;
    } else {
      const message = result.error.issues[0]?.message ?? 'is invalid';
      problems.push(`${spec.name} ${message}${spec.secret ? '' : ` (got "${raw}")`}`);
    }
  }
  return { values: values as Partial<EnvValues<S>>, problems };
}

/**
 * Reads and validates every spec from `source` and returns typed values. All problems are
 * collected first so a user fixes a bad deployment in one round, then thrown as one ConfigError.
 */
export function readEnv<S extends EnvSpecs>(specs: S, source: Record<string, string | undefined> = process.env): EnvValues<S> {
  const { values, problems } = collectEnv(specs, source);
  if (problems.length > 0) throw new ConfigError(problems);
  return values as EnvValues<S>;
}

/** Rows for the README's configuration table. */
export function describeEnv(specs: EnvSpecs): Array<{ name: string; default: string; description: string }> {
  return Object.values(specs).map((spec) => ({
    name: spec.name,
    default: spec.defaultValue === undefined ? '' : Array.isArray(spec.defaultValue) ? spec.defaultValue.join(',') : String(spec.defaultValue),
    description: spec.description,
  }));
}
