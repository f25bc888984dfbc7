// Recovery time of a fault, from what the driver samples of the group: the input topic's end
// offsets and the group's committed offsets, every sampleIntervalMs.

export interface PartitionSample {
  partition: number;
  end: number;
  /** null: no commit yet. */
  committed: number | null;
}

export interface GroupSample {
  atMs: number;
  /** Undefined while the broker is away (the sample could not be read). */
  partitions?: PartitionSample[];
  members?: number;
}

export function totalLag(partitions: readonly PartitionSample[]): number {
  return partitions.reduce((sum, p) => sum + Math.max(0, p.end - (p.committed ?? 0)), 0);
}

export interface RecoveryWindow {
  /** When the (first) fault was injected. */
  injectedAtMs: number;
  /** When the driver had finished the fault: broker back, storm members gone, handler fast again. */
  clearedAtMs: number;
  /** Lag that counts as steady: one second of input. */
  steadyLag: number;
}

/**
 * Time from injection until the pipeline is steady again: the first sample, at or after the
 * fault was cleared, in which the group has committed every record that the input held when the
 * fault was cleared and, on each partition that has received records since, at least one of
 * those too (records flow through every partition again: none stuck on a dead owner), with its
 * lag at most `steadyLag`. Undefined when no sample shows it.
 */
export function recoveryMs(samples: readonly GroupSample[], window: RecoveryWindow): number | undefined {
  const readable = samples.filter((s): s is GroupSample & { partitions: PartitionSample[] } => s.partitions !== undefined && s.atMs >= window.clearedAtMs);
  const barrier = readable[0];
  if (barrier === undefined) return undefined;
  const endAtClear = new Map(barrier.partitions.map((p) => [p.partition, p.end]));
  // The clear's own sample only sets the marks: what it shows committed proves no flow after the fault.
  for (const sample of readable.slice(1)) {
    const flowing = sample.partitions.every((p) => {
      const mark = endAtClear.get(p.partition) ?? 0;
      const committed = p.committed ?? 0;
      return p.end > mark ? committed > mark : committed >= mark;
    });
    if (flowing && totalLag(sample.partitions) <= window.steadyLag) return sample.atMs - window.injectedAtMs;
  }
  return undefined;
}
