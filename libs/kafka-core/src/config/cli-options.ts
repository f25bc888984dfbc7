import { Option, type Command } from 'commander';
import { ConfigError } from '../errors/app-error.js';
import type { EnvSpec, EnvSpecs } from './env-spec.js';

/** A flag for a setting: `--rate` for PRODUCER_RATE; the env variable stays its fallback. */
export interface FlagBinding {
  flag: string;
  spec: EnvSpec<unknown>;
}

function defaultText(spec: EnvSpec<unknown>): string | undefined {
  if (spec.defaultValue === undefined) return undefined;
  return Array.isArray(spec.defaultValue) ? spec.defaultValue.join(',') : String(spec.defaultValue);
}

/**
 * Adds one `--flag <value>` per spec to a commander command, each documented with its env
 * variable and default, so `--help` is the reference and every flag can also come from env.
 * Values stay strings here; `flagSource()` hands them to the same validation as env values.
 */
export function addEnvOptions(command: Command, bindings: Record<string, EnvSpec<unknown>>): FlagBinding[] {
  const added: FlagBinding[] = [];
  for (const [flag, spec] of Object.entries(bindings)) {
    const fallback = defaultText(spec);
    // The default goes in the text, not commander's default: the value must stay unset so the
    // env variable (and then the spec's default) applies.
    const text = fallback === undefined ? spec.description : `${spec.description} (default: ${fallback})`;
    command.addOption(new Option(`--${flag} <value>`, text).env(spec.name));
    added.push({ flag, spec });
  }
  return added;
}

/** One flag per setting, named after its key: `maxInFlight` → `--max-in-flight`. */
export function flagsFor<S extends EnvSpecs>(specs: S): Record<string, EnvSpec<unknown>> {
  return Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), spec]));
}

function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The env-like source a config loader reads: the process environment, overridden by the flags
 * given on the command line (commander already folded env fallbacks into the option values).
 */
export function flagSource(
  bindings: readonly FlagBinding[],
  options: Record<string, unknown>,
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  const source: Record<string, string | undefined> = { ...env };
  for (const { flag, spec } of bindings) {
    const value = options[camel(flag)];
    if (typeof value === 'string') source[spec.name] = value;
  }
  return source;
}

/**
 * Runs a command's config loaders over its flags and the environment (`flagSource`); a
 * ConfigError they throw comes back with each problem naming the flag too (`withFlagNames`).
 */
export async function loadFromFlags<T>(
  bindings: readonly FlagBinding[],
  options: Record<string, unknown>,
  load: (source: Record<string, string | undefined>) => T | Promise<T>,
): Promise<T> {
  try {
    return await load(flagSource(bindings, options));
  } catch (err) {
    throw withFlagNames(err, bindings);
  }
}

/** Rewrites problems that start with an env name to name the flag too: `--rate / PRODUCER_RATE …`. */
export function withFlagNames(err: unknown, bindings: readonly FlagBinding[]): unknown {
  if (!(err instanceof ConfigError)) return err;
  const byName = new Map(bindings.map((b) => [b.spec.name, b.flag]));
  return new ConfigError(
    err.problems.map((problem) => {
      const name = /^[A-Z][A-Z0-9_]*/.exec(problem)?.[0];
      const flag = name === undefined ? undefined : byName.get(name);
      return flag === undefined ? problem : `--${flag} / ${problem}`;
    }),
  );
}

export type { EnvSpecs };
