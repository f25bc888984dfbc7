import { Help, Option, type Command } from 'commander';
import { ConfigError } from '../errors/app-error.js';
import type { EnvSpec, EnvSpecs } from './env-spec.js';

/** A flag for a setting: `--rate` for PRODUCER_RATE; the env variable stays its fallback. */
export interface FlagBinding {
  flag: string;
  spec: EnvSpec<unknown>;
  /** The command that parsed it: tells whether a value came from the command line or env. */
  command?: Command;
}

/** What a setting's parser accepts, found by asking it (specs carry only a zod schema). */
export function specKind(spec: EnvSpec<unknown>): 'switch' | 'duration' | 'value' {
  const yes = spec.schema.safeParse('true');
  if (yes.success && typeof yes.data === 'boolean') return 'switch';
  const unit = spec.schema.safeParse('1s');
  if (unit.success && unit.data === 1000) return 'duration';
  return 'value';
}

/** A millisecond amount as the shortest exact duration text: 30000 → 30s. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function defaultText(spec: EnvSpec<unknown>): string | undefined {
  if (spec.defaultValue === undefined) return undefined;
  if (Array.isArray(spec.defaultValue)) return spec.defaultValue.join(',');
  if (typeof spec.defaultValue === 'number' && specKind(spec) === 'duration' && !/_MS$/.test(spec.name)) return formatDuration(spec.defaultValue);
  return String(spec.defaultValue);
}

/**
 * The help text of a setting: its meaning, then the value it has now: the env variable's when
 * that is set (a person reading --help on a configured host sees what will apply), else the
 * default, else "required".
 */
function helpText(spec: EnvSpec<unknown>, env: Record<string, string | undefined>): string {
  const fromEnv = env[spec.name];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return `${spec.description} (now: ${spec.secret ? '<set>' : fromEnv} from ${spec.name})`;
  const fallback = defaultText(spec);
  if (fallback !== undefined) return `${spec.description} (default: ${fallback})`;
  return spec.optional ? spec.description : `${spec.description} (required)`;
}

/** The note under every app's option list. */
export const ENV_HELP = `
Every option can also be set by the environment variable shown with it; a flag
wins over its variable. Durations take a unit (500ms, 30s, 5m, 1h); a setting
whose name ends in -ms also takes a bare number of milliseconds. Kafka TLS, SASL
and timeout settings are env-only: see the README.`;

/**
 * Help that fits a terminal of 80 columns: descriptions wrap even beside long flag names.
 * Call on the program before adding subcommands (they inherit it).
 */
export function configureCliHelp(command: Command): Command {
  return command
    .configureHelp({
      helpWidth: HELP_WIDTH,
      minWidthToWrap: 20,
      // A flag longer than the term column gets its own line and its description goes under it,
      // so long env names in the description still fit in 80 columns.
      formatItem(term, termWidth, description, helper) {
        const width = Math.min(termWidth, MAX_TERM_WIDTH);
        if (helper.displayWidth(term) <= width) return Help.prototype.formatItem.call(this, term, width, description, helper);
        return `  ${term}\n${Help.prototype.formatItem.call(this, '', width, description, helper)}`;
      },
    })
    .showHelpAfterError();
}

const HELP_WIDTH = 80;
const MAX_TERM_WIDTH = 30;

/**
 * Adds one flag per spec to a commander command, each documented with its env variable and
 * its value now (env or default), so `--help` is the reference and every flag can also come from
 * env. A switch (a true/false setting) works bare: `--idempotent`, `--no-idempotent`, or with a
 * value (`--idempotent false`). Values stay strings here; `flagSource()` hands them to the same
 * validation as env values.
 */
export function addEnvOptions(command: Command, bindings: Record<string, EnvSpec<unknown>>, env: Record<string, string | undefined> = process.env): FlagBinding[] {
  const added: FlagBinding[] = [];
  for (const [flag, spec] of Object.entries(bindings)) {
    // The default goes in the text, not commander's default: the value must stay unset so the
    // env variable (and then the spec's default) applies.
    const text = helpText(spec, env);
    if (specKind(spec) === 'switch') {
      command.addOption(new Option(`--${flag} [true|false]`, text).env(spec.name));
      command.addOption(new Option(`--no-${flag}`, `Same as --${flag} false`).hideHelp());
    } else {
      command.addOption(new Option(`--${flag} <value>`, text).env(spec.name));
    }
    added.push({ flag, spec, command });
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
    else if (typeof value === 'boolean') source[spec.name] = String(value);
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

/**
 * Rewrites each env name in a problem to what the user typed: the flag when it came from the
 * command line, the variable when it came from the environment, both when it was not given
 * (`--topic / PRODUCER_TOPIC is required`).
 */
export function withFlagNames(err: unknown, bindings: readonly FlagBinding[]): unknown {
  if (!(err instanceof ConfigError)) return err;
  const byName = new Map(bindings.map((b) => [b.spec.name, b]));
  return new ConfigError(
    err.problems.map((problem) =>
      problem.replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, (name) => {
        const binding = byName.get(name);
        if (binding === undefined) return name;
        const source = binding.command?.getOptionValueSource(camel(binding.flag));
        if (source === 'cli') return `--${binding.flag}`;
        if (source === 'env') return name;
        return `--${binding.flag} / ${name}`;
      }),
    ),
  );
}

export type { EnvSpecs };
