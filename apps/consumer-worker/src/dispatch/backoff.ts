export interface BackoffOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  /** Fraction of the delay taken off at random (0 = none, 1 = full jitter). */
  retryJitterRatio: number;
}

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
