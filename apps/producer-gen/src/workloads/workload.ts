import { ConfigError } from '@lagscale/kafka-core/errors';

export const WORKLOAD_NAMES = ['user-events', 'sensor-readings', 'bytes'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** What the producer knows about the record whose value it wants. */
export interface WorkloadContext {
  /** This producer's sequence number of the record (0, 1, 2, …). */
  seq: number;
  /** The record key (see `keyName`); per-key attributes (a user's device, a sensor's site) derive from it. */
  key: string;
  /** The record's time, epoch milliseconds; becomes the value's `ts`. */
  timestampMs: number;
}

/**
 * Makes record values. `generate` is a pure function of the workload's seed and `ctx`: the same
 * seed and context give the same value whatever was generated before, so callers may generate in
 * any order and a checker can regenerate a value from its headers.
 */
export interface Workload<T> {
  readonly name: WorkloadName;
  generate(ctx: WorkloadContext): T;
}

/**
 * Options of every workload; each reads the fields it needs. Problems name the CLI flag:
 * `--seed`, `--record-bytes` (sizeBytes), `--out-of-range-rate`.
 */
export interface WorkloadOptions {
  /** Same seed, same values. Any safe integer. */
  seed: number;
  /** bytes: size of every value. */
  sizeBytes: number;
  /** sensor-readings: share of readings outside their sensor type's range (0 … 1). */
  outOfRangeRate: number;
}

/** Kafka's default `message.max.bytes` is about 1 MiB; this leaves room for brokers tuned up. */
export const MAX_SIZE_BYTES = 16 * 1024 * 1024;

export const defaultWorkloadOptions = {
  seed: 42,
  sizeBytes: 100,
  outOfRangeRate: 0.005,
} satisfies WorkloadOptions;

/** Fills in defaults and checks every option; throws one ConfigError listing each bad one. */
export function validateWorkloadOptions(options: Partial<WorkloadOptions> = {}): WorkloadOptions {
  const seed = options.seed ?? defaultWorkloadOptions.seed;
  const sizeBytes = options.sizeBytes ?? defaultWorkloadOptions.sizeBytes;
  const outOfRangeRate = options.outOfRangeRate ?? defaultWorkloadOptions.outOfRangeRate;
  const problems: string[] = [];
  if (!Number.isSafeInteger(seed)) problems.push(`--seed must be an integer (got "${seed}")`);
  if (!Number.isInteger(sizeBytes) || sizeBytes < 0 || sizeBytes > MAX_SIZE_BYTES) {
    problems.push(`--record-bytes must be an integer from 0 to ${MAX_SIZE_BYTES} (got "${sizeBytes}")`);
  }
  if (!(outOfRangeRate >= 0 && outOfRangeRate <= 1)) {
    problems.push(`--out-of-range-rate must be a number from 0 to 1 (got "${outOfRangeRate}")`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { seed, sizeBytes, outOfRangeRate };
}
