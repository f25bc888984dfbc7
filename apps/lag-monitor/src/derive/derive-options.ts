import { ConfigError } from '@lagscale/kafka-core/errors';
import { OFFSET_RESET_POLICIES, type OffsetResetPolicy } from '@lagscale/kafka-core/lag';

/** How derive() judges a partition; every duration is in ms. */
export interface DeriveOptions {
  /** Evaluation window of the rates and the health rules (Burrow's window, as a duration). */
  windowMs: number;
  /** End-offset history kept per partition to estimate the age of the oldest unconsumed record. */
  historyMs: number;
  /** Samples a partition needs, spanning the whole window, before it can be judged anything but OK. */
  minSamples: number;
  /** Lag of a partition the group never committed (kafka-core rules). */
  resetPolicy: OffsetResetPolicy;
  /** Most samples kept per partition inside the window: closer ones are thinned (bounds memory at short intervals). */
  maxWindowSamples?: number;
  /** Most end-offset samples kept per partition between the window and `historyMs`, evenly spaced. */
  maxHistorySamples?: number;
}

export const defaultDeriveOptions = {
  windowMs: 60_000,
  historyMs: 900_000,
  minSamples: 3,
  resetPolicy: 'earliest',
  maxWindowSamples: 60,
  maxHistorySamples: 30,
} satisfies Required<DeriveOptions>;

/** Fills in the optional settings and checks them; throws `ConfigError` naming every bad one. */
export function resolveDeriveOptions(options: DeriveOptions): Required<DeriveOptions> {
  const resolved: Required<DeriveOptions> = {
    ...options,
    maxWindowSamples: options.maxWindowSamples ?? defaultDeriveOptions.maxWindowSamples,
    maxHistorySamples: options.maxHistorySamples ?? defaultDeriveOptions.maxHistorySamples,
  };
  validateDeriveOptions(resolved);
  return resolved;
}

export function validateDeriveOptions(options: Required<DeriveOptions>): void {
  const problems: string[] = [];
  for (const name of ['windowMs', 'historyMs'] as const) {
    const value = options[name];
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number of ms (got ${String(value)})`);
  }
  for (const name of ['minSamples', 'maxWindowSamples', 'maxHistorySamples'] as const) {
    const value = options[name];
    if (!Number.isSafeInteger(value) || value < 2) problems.push(`${name} must be an integer of at least 2 (got ${String(value)})`);
  }
  if (!OFFSET_RESET_POLICIES.includes(options.resetPolicy)) {
    problems.push(`resetPolicy must be one of ${OFFSET_RESET_POLICIES.join(', ')} (got ${String(options.resetPolicy)})`);
  }
  if (problems.length === 0 && options.historyMs < options.windowMs) {
    problems.push(`historyMs (${options.historyMs}) must be at least windowMs (${options.windowMs})`);
  }
  if (problems.length === 0 && options.minSamples > options.maxWindowSamples) {
    problems.push(`minSamples (${options.minSamples}) must not exceed maxWindowSamples (${options.maxWindowSamples})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
