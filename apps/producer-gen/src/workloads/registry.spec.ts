import { ConfigError } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { createWorkload, isWorkloadName, workloadSpecs } from './registry.js';
import { MAX_SIZE_BYTES, validateWorkloadOptions, WORKLOAD_NAMES, type WorkloadName, type WorkloadOptions } from './workload.js';

function problemsOf(attempt: () => unknown): readonly string[] {
  try {
    attempt();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('createWorkload', () => {
  it.each([
    { name: 'user-events' as const, codec: 'json', keyPrefix: 'user' },
    { name: 'sensor-readings' as const, codec: 'json', keyPrefix: 'sensor' },
    { name: 'bytes' as const, codec: 'bytes', keyPrefix: 'key' },
  ])('$name: default codec $codec, keys $keyPrefix-…, values pass its schema', ({ name, codec, keyPrefix }) => {
    const workload = createWorkload(name, { seed: 1 });
    expect(workload.name).toBe(name);
    expect(workloadSpecs[name].defaultCodec).toBe(codec);
    expect(workloadSpecs[name].keyPrefix).toBe(keyPrefix);
    for (let seq = 0; seq < 100; seq += 1) {
      const value = workload.generate({ seq, key: `${keyPrefix}-00000${seq % 10}`, timestampMs: 1_700_000_000_000 + seq });
      expect(workloadSpecs[name].schema.safeParse(value).success).toBe(true);
    }
  });

  it('covers every workload name', () => {
    expect(Object.keys(workloadSpecs).sort()).toEqual([...WORKLOAD_NAMES].sort());
    for (const name of WORKLOAD_NAMES) expect(isWorkloadName(name)).toBe(true);
    expect(isWorkloadName('clicks')).toBe(false);
  });

  it('rejects an unknown name naming --workload', () => {
    expect(problemsOf(() => createWorkload('clicks' as WorkloadName))).toEqual(['--workload must be one of user-events, sensor-readings, bytes (got "clicks")']);
  });
});

describe('validateWorkloadOptions', () => {
  it('fills in defaults', () => {
    expect(validateWorkloadOptions({})).toEqual({ seed: 42, sizeBytes: 100, outOfRangeRate: 0.005 });
    expect(validateWorkloadOptions({ sizeBytes: 0, outOfRangeRate: 1, seed: -3 })).toEqual({ seed: -3, sizeBytes: 0, outOfRangeRate: 1 });
  });

  it.each<{ name: string; options: Partial<WorkloadOptions>; problem: string }>([
    { name: 'fractional seed', options: { seed: 1.5 }, problem: '--seed must be an integer (got "1.5")' },
    { name: 'negative size', options: { sizeBytes: -1 }, problem: `--record-bytes must be an integer from 0 to ${MAX_SIZE_BYTES} (got "-1")` },
    { name: 'huge size', options: { sizeBytes: MAX_SIZE_BYTES + 1 }, problem: `--record-bytes must be an integer from 0 to ${MAX_SIZE_BYTES} (got "${MAX_SIZE_BYTES + 1}")` },
    { name: 'rate above 1', options: { outOfRangeRate: 2 }, problem: '--out-of-range-rate must be a number from 0 to 1 (got "2")' },
    { name: 'rate NaN', options: { outOfRangeRate: Number.NaN }, problem: '--out-of-range-rate must be a number from 0 to 1 (got "NaN")' },
  ])('names the flag: $name', ({ options, problem }) => {
    expect(problemsOf(() => createWorkload('bytes', options))).toEqual([problem]);
  });

  it('lists every bad option at once', () => {
    expect(problemsOf(() => validateWorkloadOptions({ seed: Number.NaN, sizeBytes: 0.5, outOfRangeRate: -1 }))).toHaveLength(3);
  });
});
