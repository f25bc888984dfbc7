import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lagscale/kafka-core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProfile, profileFromSettings, type ProfileOptions } from './profile-options.js';
import type { RateProfile } from './rate-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'profile-options-'));
const traceFile = join(dir, 'trace.csv');
writeFileSync(traceFile, 'seconds,rate\n0,100\n10,500\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(options: ProfileOptions): readonly string[] {
  try {
    parseProfile(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseProfile', () => {
  it.each<{ name: string; options: ProfileOptions; profile: RateProfile }>([
    { name: 'defaults', options: {}, profile: { kind: 'constant', rate: 1_000 } },
    { name: 'empty strings are unset', options: { profile: '', rate: ' ' }, profile: { kind: 'constant', rate: 1_000 } },
    { name: 'constant from strings', options: { profile: 'constant', rate: '5000' }, profile: { kind: 'constant', rate: 5_000 } },
    { name: 'fractional and exponent rates', options: { rate: '2.5e3' }, profile: { kind: 'constant', rate: 2_500 } },
    { name: 'profile name in any case', options: { profile: ' Constant ', rate: 2_000 }, profile: { kind: 'constant', rate: 2_000 } },
    {
      name: 'ramp from --rate to --peak-rate',
      options: { profile: 'ramp', rate: '100', peakRate: '1000', rampDuration: '30s' },
      profile: { kind: 'ramp', from: 100, to: 1_000, durationMs: 30_000 },
    },
    {
      name: 'ramp from 0 with a duration in ms',
      options: { profile: 'ramp', rate: 0, peakRate: 800, rampDuration: 1_500 },
      profile: { kind: 'ramp', from: 0, to: 800, durationMs: 1_500 },
    },
    {
      name: 'spike as on the command line',
      options: { profile: 'spike', rate: '5000', peakRate: '20000', spikeAt: '10s', spikeDuration: '5s' },
      profile: { kind: 'spike', base: 5_000, peak: 20_000, atMs: 10_000, durationMs: 5_000 },
    },
    {
      name: 'spike at the very start',
      options: { profile: 'spike', rate: 0, peakRate: 100, spikeAt: '0', spikeDuration: '1m' },
      profile: { kind: 'spike', base: 0, peak: 100, atMs: 0, durationMs: 60_000 },
    },
    {
      name: 'two-rate step',
      options: { profile: 'step', rate: 1_000, peakRate: 3_000, spikeAt: '20s' },
      profile: { kind: 'step', steps: [{ atMs: 0, rate: 1_000 }, { atMs: 20_000, rate: 3_000 }] },
    },
    {
      name: 'step list',
      options: { profile: 'step', steps: '0s:1000, 30s:5000,1m:2000' },
      profile: { kind: 'step', steps: [{ atMs: 0, rate: 1_000 }, { atMs: 30_000, rate: 5_000 }, { atMs: 60_000, rate: 2_000 }] },
    },
    {
      name: 'trace file',
      options: { profile: 'trace', traceFile },
      profile: { kind: 'trace', points: [{ atMs: 0, rate: 100 }, { atMs: 10_000, rate: 500 }] },
    },
    {
      name: 'options of other profiles ignored',
      options: { profile: 'constant', rate: 10, peakRate: 'abc', spikeAt: 'later' },
      profile: { kind: 'constant', rate: 10 },
    },
  ])('$name', ({ options, profile }) => {
    expect(parseProfile(options)).toEqual(profile);
  });

  it.each<{ name: string; options: ProfileOptions; problems: string[] }>([
    { name: 'rate not a number', options: { rate: 'abc' }, problems: ['--rate must be a positive number (got "abc")'] },
    { name: 'constant rate 0', options: { rate: 0 }, problems: ['--rate must be a positive number (got "0")'] },
    { name: 'hex is not a rate', options: { rate: '0x10' }, problems: ['--rate must be a positive number (got "0x10")'] },
    { name: 'infinite rate', options: { rate: Infinity }, problems: ['--rate must be a positive number (got "Infinity")'] },
    { name: 'unknown profile', options: { profile: 'wave' }, problems: ['--profile must be one of constant, ramp, step, spike, trace (got "wave")'] },
    {
      name: 'spike without its settings',
      options: { profile: 'spike', rate: 100 },
      problems: ['--peak-rate is required with --profile spike', '--spike-at is required with --profile spike', '--spike-duration is required with --profile spike'],
    },
    {
      name: 'spike with bad settings, all listed',
      options: { profile: 'spike', rate: '-5', peakRate: 'lots', spikeAt: 'soon', spikeDuration: '0s' },
      problems: [
        '--rate must be a number ≥ 0 (got "-5")',
        '--peak-rate must be a number ≥ 0 (got "lots")',
        '--spike-at must be a duration with a unit: ms, s, m or h (e.g. 500ms, 30s, 5m) (got "soon")',
        '--spike-duration must be a duration longer than 0 (got "0s")',
      ],
    },
    { name: 'ramp without a duration', options: { profile: 'ramp', peakRate: 10 }, problems: ['--ramp-duration is required with --profile ramp'] },
    { name: 'ramp of no duration', options: { profile: 'ramp', peakRate: 10, rampDuration: 0 }, problems: ['--ramp-duration must be a duration longer than 0 (got "0")'] },
    { name: 'step without steps', options: { profile: 'step' }, problems: ['--steps, or --peak-rate with --spike-at, is required with --profile step'] },
    { name: 'steps entry not time:rate', options: { profile: 'step', steps: '0s:1000,abc' }, problems: ['--steps entry 2 must be time:rate like 30s:5000 (got "abc")'] },
    { name: 'steps rate not a number', options: { profile: 'step', steps: '0s:x' }, problems: ['--steps entry 1 rate must be a number ≥ 0 (got "x")'] },
    { name: 'steps time not a duration', options: { profile: 'step', steps: 'later:5' }, problems: ['--steps entry 1 time must be a duration with a unit: ms, s, m or h (e.g. 500ms, 30s, 5m) (got "later")'] },
    { name: 'steps out of order', options: { profile: 'step', steps: '10s:1,5s:2' }, problems: ['--steps times must increase ("5s:2" is not after "10s:1")'] },
    { name: 'steps empty list', options: { profile: 'step', steps: ',' }, problems: ['--steps must list time:rate pairs like 0s:1000,30s:5000 (got ",")'] },
    { name: 'trace without a file', options: { profile: 'trace' }, problems: ['--trace-file is required with --profile trace'] },
    { name: 'trace file missing', options: { profile: 'trace', traceFile: '/nonexistent/trace.csv' }, problems: ['--trace-file must name a readable file (got "/nonexistent/trace.csv")'] },
  ])('names the option: $name', ({ options, problems }) => {
    expect(problemsOf(options)).toEqual(problems);
  });
});

describe('profileFromSettings', () => {
  it('has no profile for --rate max', () => {
    expect(profileFromSettings({ rate: 'max' })).toBeUndefined();
    expect(profileFromSettings({ rate: ' MAX ' })).toBeUndefined();
  });

  it('parses anything else', () => {
    expect(profileFromSettings({ profile: 'constant', rate: 2_000 })).toEqual({ kind: 'constant', rate: 2_000 });
    expect(() => profileFromSettings({ rate: 'fast' })).toThrow('--rate must be a positive number (got "fast")');
  });
});
