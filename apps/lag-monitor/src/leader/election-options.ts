/** Timing of leader election; the same three knobs, and the same rules, as client-go's. */
export interface LeaderElectionOptions {
  /** This replica's name in the Lease: unique among the candidates (the pod name in a cluster). */
  identity: string;
  /**
   * How long a claim lasts without renewal, as written into the Lease. Candidates wait this long
   * after they last saw the Lease change before they take it. Whole seconds (the Lease field is).
   */
  leaseDurationMs: number;
  /**
   * A leader counts as leader only until this long after it started its last successful renewal;
   * shorter than the lease duration, so it stops actuating before anyone may take over.
   */
  renewDeadlineMs: number;
  /** Time between two looks at the Lease (renewals by the leader, attempts by the others). */
  retryPeriodMs: number;
}

export const defaultLeaderElectionOptions = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const satisfies Partial<LeaderElectionOptions>;

/** One problem per broken rule, naming the option; empty when valid. */
export function validateLeaderElectionOptions(options: LeaderElectionOptions): string[] {
  const problems: string[] = [];
  const { identity, leaseDurationMs, renewDeadlineMs, retryPeriodMs } = options;
  if (identity.trim() === '') problems.push('identity must not be empty');
  if (!Number.isSafeInteger(leaseDurationMs) || leaseDurationMs < 1_000 || leaseDurationMs % 1_000 !== 0) {
    problems.push(`leaseDurationMs must be a whole number of seconds, at least 1s (got ${leaseDurationMs}ms)`);
  }
  if (!Number.isSafeInteger(renewDeadlineMs) || renewDeadlineMs <= 0) problems.push(`renewDeadlineMs must be a positive integer (got ${renewDeadlineMs})`);
  if (!Number.isSafeInteger(retryPeriodMs) || retryPeriodMs <= 0) problems.push(`retryPeriodMs must be a positive integer (got ${retryPeriodMs})`);
  if (renewDeadlineMs >= leaseDurationMs) {
    problems.push(`renewDeadlineMs must be shorter than leaseDurationMs, or a leader could still act after another took over (got ${renewDeadlineMs} ≥ ${leaseDurationMs})`);
  }
  // client-go's rule: a leader gets at least one more try (with its 1.2 jitter) before the deadline.
  if (retryPeriodMs * 1.2 >= renewDeadlineMs) {
    problems.push(`retryPeriodMs must be under renewDeadlineMs / 1.2, so a leader can retry a failed renewal (got ${retryPeriodMs} and ${renewDeadlineMs})`);
  }
  return problems;
}
