import { describe, expect, it } from 'vitest';
import { defaultScalingPolicyOptions, validateScalingPolicyOptions, type ScalingPolicyOptions } from './scaling-options.js';

describe('validateScalingPolicyOptions', () => {
  it('accepts the defaults', () => {
    expect(validateScalingPolicyOptions(defaultScalingPolicyOptions)).toEqual([]);
  });

  const rows: Array<{ name: string; options: Partial<ScalingPolicyOptions>; problems: string[] }> = [
    { name: 'scale to zero with min 0', options: { minReplicas: 0, scaleToZero: true }, problems: [] },
    { name: 'min equal to max', options: { minReplicas: 3, maxReplicas: 3 }, problems: [] },
    { name: 'unknown mode', options: { mode: 'cpu' as ScalingPolicyOptions['mode'] }, problems: ['mode must be one of lag, rate (got cpu)'] },
    { name: 'min above max', options: { minReplicas: 5, maxReplicas: 3 }, problems: ['minReplicas must not exceed maxReplicas (got 5 > 3)'] },
    { name: 'negative min', options: { minReplicas: -1 }, problems: ['minReplicas must be a non-negative integer (got -1)'] },
    { name: 'fractional max', options: { maxReplicas: 2.5 }, problems: ['maxReplicas must be a positive integer (got 2.5)'] },
    { name: 'max 0', options: { maxReplicas: 0 }, problems: ['maxReplicas must be a positive integer (got 0)'] },
    { name: 'min 0 without scale to zero', options: { minReplicas: 0 }, problems: ['minReplicas may be 0 only with scaleToZero (got minReplicas 0, scaleToZero false)'] },
    { name: 'scale to zero with min 1', options: { scaleToZero: true }, problems: ['scaleToZero needs minReplicas 0 (got minReplicas 1)'] },
    { name: 'lag per replica 0', options: { lagPerReplica: 0 }, problems: ['lagPerReplica must be a positive number (got 0)'] },
    { name: 'drain target NaN', options: { drainTargetSeconds: Number.NaN }, problems: ['drainTargetSeconds must be a positive number (got NaN)'] },
    { name: 'throughput floor negative', options: { minThroughputPerReplica: -5 }, problems: ['minThroughputPerReplica must be a positive number (got -5)'] },
    { name: 'negative scale-down tolerance', options: { scaleDownTolerance: -0.1 }, problems: ['scaleDownTolerance must be a non-negative number (got -0.1)'] },
    { name: 'negative window', options: { scaleDownStabilizationMs: -1 }, problems: ['scaleDownStabilizationMs must be a non-negative number (got -1)'] },
    { name: 'infinite activation', options: { activationLag: Number.POSITIVE_INFINITY }, problems: ['activationLag must be a non-negative number (got Infinity)'] },
    {
      name: 'several problems at once',
      options: { maxReplicas: 0, throughputHalfLifeMs: 0, backlogThresholdSeconds: -1 },
      problems: [
        'maxReplicas must be a positive integer (got 0)',
        'throughputHalfLifeMs must be a positive number (got 0)',
        'backlogThresholdSeconds must be a non-negative number (got -1)',
      ],
    },
  ];
  it.each(rows)('$name', ({ options, problems }) => {
    expect(validateScalingPolicyOptions({ ...defaultScalingPolicyOptions, ...options })).toEqual(problems);
  });
});
