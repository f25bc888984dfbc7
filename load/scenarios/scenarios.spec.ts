import { describe, expect, it } from 'vitest';
import { batchBody, defaultRecordShape } from './batch-body.ts';
import { parseDuration } from './duration.ts';
import { isMeasured, scenarios, SCENARIO_NAMES } from './scenarios.ts';

describe('scenario definitions', () => {
  it('every scenario starts with a warm-up at its first rate and has thresholds', () => {
    for (const name of SCENARIO_NAMES) {
      const { defaults, stages } = scenarios[name];
      const planned = stages(defaults);
      expect(planned[0]?.phase, name).toBe('warmup');
      expect(planned[0]?.rate, name).toBe(defaults.rate);
      expect(defaults.thresholds.length, name).toBeGreaterThan(0);
    }
  });

  it('ingest-find-max steps from the rate to the max rate', () => {
    const d = scenarios['ingest-find-max'].defaults;
    const steps = scenarios['ingest-find-max'].stages({ ...d, rate: 100, stepRate: 50, maxRate: 260, warmupMs: 0, settleMs: 0 });
    expect(steps.map((s) => [s.phase, s.rate])).toEqual([['step', 100], ['step', 150], ['step', 200], ['step', 250]]);
  });

  it('ingest-find-max lets each step\'s rate settle before the step is measured', () => {
    const d = scenarios['ingest-find-max'].defaults;
    const stages = scenarios['ingest-find-max'].stages({ ...d, rate: 100, stepRate: 100, maxRate: 200, warmupMs: 1_000, settleMs: 2_000, durationMs: 9_000 });
    expect(stages.map((s) => [s.phase, s.rate, s.durationMs])).toEqual([
      ['warmup', 100, 1_000],
      ['settle', 100, 2_000],
      ['step', 100, 9_000],
      ['settle', 200, 2_000],
      ['step', 200, 9_000],
    ]);
    expect(stages.map((s) => isMeasured(s.phase))).toEqual([false, false, true, false, true]);
  });

  it('burst runs base, spike, then base again', () => {
    const d = scenarios.burst.defaults;
    expect(scenarios.burst.stages({ ...d, warmupMs: 0 }).map((s) => [s.phase, s.rate])).toEqual([['base', d.rate], ['spike', d.peakRate], ['recovery', d.rate]]);
  });
});

describe('batchBody', () => {
  it('numbers records from the first sequence number and spreads keys', () => {
    const body = JSON.parse(batchBody('p1', 200, { ...defaultRecordShape, batchSize: 3, keys: 2 }, 5)) as { records: Array<{ key: string; headers: Record<string, string>; value: { ts: number } }> };
    expect(body.records.map((r) => [r.key, r.headers['lagscale-seq'], r.headers['lagscale-producer-id']])).toEqual([
      ['user-0', '200', 'p1'],
      ['user-1', '201', 'p1'],
      ['user-0', '202', 'p1'],
    ]);
    expect(body.records[0]?.value.ts).toBe(5);
  });

  it('is a pure function of its arguments', () => {
    expect(batchBody('p', 7, defaultRecordShape, 1)).toBe(batchBody('p', 7, defaultRecordShape, 1));
  });

  it('pads values when asked', () => {
    const small = batchBody('p', 0, { ...defaultRecordShape, batchSize: 1 }, 1);
    const padded = batchBody('p', 0, { ...defaultRecordShape, batchSize: 1, paddingBytes: 500 }, 1);
    expect(padded.length - small.length).toBeGreaterThanOrEqual(500);
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['1500', 1_500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'soon', '5 s', '1x'].filter((t) => t !== '30'))('rejects "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
});
