import { ConfigError } from '@lagscale/kafka-core/errors';
import { mixSeed, Prng } from '../workloads/prng.js';
import { ZipfSampler } from './zipf-sampler.js';

export const KEY_DISTRIBUTIONS = ['uniform', 'zipf', 'hot'] as const;
export type KeyDistribution = (typeof KEY_DISTRIBUTIONS)[number];

/**
 * How record keys are drawn. Problems name the CLI flag given with each field; `skew` is checked
 * only for zipf and `hotKey` only for hot.
 */
export interface KeyChooserOptions {
  /** --key-distribution: `uniform`; `zipf` (key 0 most frequent, then 1, …); `hot` (one key only). */
  kind: KeyDistribution;
  /** --keys: distinct keys, indexes 0 … keyCount − 1. */
  keyCount: number;
  /** --zipf-skew: the zipf exponent s; key k is drawn with probability ∝ 1/(k + 1)^s. */
  skew: number;
  /** --hot-key: the index the `hot` distribution always returns. */
  hotKey: number;
  /** --seed: the same seed draws the same keys. Any safe integer. */
  seed: number;
}

export const defaultKeyChooserOptions = {
  kind: 'uniform',
  keyCount: 1_000,
  skew: 1.1,
  hotKey: 0,
  seed: 42,
} satisfies KeyChooserOptions;

/** Draws key indexes; pair with `keyName` for the key itself. */
export interface KeyChooser {
  next(): number;
}

/** Draws are floats of 32 bits, so more keys than this could not all be reached. */
export const MAX_KEY_COUNT = 2 ** 32;
const KEY_NAME_DIGITS = 6;
// separate stream so the same seed gives keys unrelated to the values
const KEYS_STREAM = 0x6b657973;

function validate(options: KeyChooserOptions): void {
  const { kind, keyCount, skew, hotKey, seed } = options;
  const problems: string[] = [];
  if (!(KEY_DISTRIBUTIONS as readonly string[]).includes(kind)) {
    problems.push(`--key-distribution must be one of ${KEY_DISTRIBUTIONS.join(', ')} (got "${String(kind)}")`);
  }
  const keyCountValid = Number.isInteger(keyCount) && keyCount >= 1 && keyCount <= MAX_KEY_COUNT;
  if (!keyCountValid) problems.push(`--keys must be an integer from 1 to ${MAX_KEY_COUNT} (got "${keyCount}")`);
  // like the rate profiles, a distribution's settings are checked only when it is the one chosen
  if (kind === 'zipf' && !(Number.isFinite(skew) && skew > 0)) problems.push(`--zipf-skew must be a positive number (got "${skew}")`);
  if (kind === 'hot' && keyCountValid && !(Number.isInteger(hotKey) && hotKey >= 0 && hotKey < keyCount)) {
    problems.push(`--hot-key must be a key index from 0 to --keys − 1 (got "${hotKey}")`);
  }
  if (!Number.isSafeInteger(seed)) problems.push(`--seed must be an integer (got "${seed}")`);
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * A key chooser over `options` (merged over `defaultKeyChooserOptions`). Deterministic per
 * seed; O(1) per draw for every kind. Throws ConfigError naming each bad option's flag.
 */
export function createKeyChooser(options: Partial<KeyChooserOptions> = {}): KeyChooser {
  const settings: KeyChooserOptions = {
    kind: options.kind ?? defaultKeyChooserOptions.kind,
    keyCount: options.keyCount ?? defaultKeyChooserOptions.keyCount,
    skew: options.skew ?? defaultKeyChooserOptions.skew,
    hotKey: options.hotKey ?? defaultKeyChooserOptions.hotKey,
    seed: options.seed ?? defaultKeyChooserOptions.seed,
  };
  validate(settings);
  const rng = new Prng(mixSeed(KEYS_STREAM, settings.seed));
  switch (settings.kind) {
    case 'uniform':
      return { next: () => rng.int(settings.keyCount) };
    case 'zipf': {
      const zipf = new ZipfSampler(settings.keyCount, settings.skew);
      return { next: () => zipf.sample(rng) };
    }
    case 'hot':
      return { next: () => settings.hotKey };
  }
}

/** The key of index `index`: `prefix-` and at least six digits, e.g. `user-000042`. */
export function keyName(index: number, prefix: string): string {
  return `${prefix}-${String(index).padStart(KEY_NAME_DIGITS, '0')}`;
}
