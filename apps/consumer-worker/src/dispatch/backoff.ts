/** Retries of a record whose handler failed (or whose outputs the broker refused). */
export interface RetryOptions {
  /** Handler attempts per record, the first included, before it is dead-lettered. */
  maxAttempts: number;
  /** Backoff before the first retry; doubled for each later one. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Fraction of the delay taken off at random (0 = none, 1 = full jitter). */
  retryJitterRatio: number;
}

export const defaultRetryOptions = {
  maxAttempts: 5,
  retryBaseMs: 100,
  retryMaxMs: 10_000,
  retryJitterRatio: 0.2,
} satisfies RetryOptions;

export type BackoffOptions = Pick<RetryOptions, 'retryBaseMs' | 'retryMaxMs' | 'retryJitterRatio'>;

/**
 * Delay before retry number `attempt` (1 = the first retry): `retryBaseMs · 2^(attempt−1)`
 * capped at `retryMaxMs`, less a random share of up to `retryJitterRatio` of it, so records that
 * failed together (a downstream outage) do not all come back in the same instant.
 */
export function retryDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  // Capped before multiplying so a large attempt count cannot overflow to Infinity.
  const raw = exponent >= 52 ? options.retryMaxMs : Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** exponent);
  return Math.round(raw * (1 - options.retryJitterRatio * random()));
}
