import { describe, expect, it } from 'vitest';
import { checkThresholds, formatThreshold, mergeThresholds, parseThreshold } from './thresholds.ts';

describe('thresholds', () => {
  it.each([
    { text: 'p95_ms<50', metric: 'p95_ms', op: '<', value: 50 },
    { text: ' error_rate <= 0.01 ', metric: 'error_rate', op: '<=', value: 0.01 },
    { text: 'held_records_per_s>0', metric: 'held_records_per_s', op: '>', value: 0 },
    { text: 'e2e_missing>=1e-3', metric: 'e2e_missing', op: '>=', value: 0.001 },
  ])('parses $text', ({ text, metric, op, value }) => {
    expect(parseThreshold(text)).toEqual({ metric, op, value });
  });

  it.each([
    { text: 'p95<50', message: /unknown metric "p95"/ },
    { text: 'p95_ms=50', message: /must look like metric<value/ },
    { text: 'p95_ms<fast', message: /must look like metric<value/ },
  ])('rejects $text', ({ text, message }) => {
    expect(() => parseThreshold(text)).toThrow(message);
  });

  it('formats back to the text it was parsed from', () => {
    expect(formatThreshold(parseThreshold('p99_ms<=200'))).toBe('p99_ms<=200');
  });

  it.each([
    { threshold: 'p95_ms<50', actual: 49.9, ok: true },
    { threshold: 'p95_ms<50', actual: 50, ok: false },
    { threshold: 'p95_ms<=50', actual: 50, ok: true },
    { threshold: 'held_records_per_s>0', actual: 0, ok: false },
    { threshold: 'time_to_drain_s<120', actual: undefined, ok: false },
    { threshold: 'p95_ms<50', actual: Number.NaN, ok: false },
  ])('$threshold against $actual holds: $ok', ({ threshold, actual, ok }) => {
    const parsed = parseThreshold(threshold);
    const [result] = checkThresholds([parsed], actual === undefined ? {} : { [parsed.metric]: actual });
    expect(result).toEqual({ threshold: parsed, actual, ok });
  });

  it('an override replaces the threshold on the same metric and keeps the others', () => {
    const merged = mergeThresholds([parseThreshold('p95_ms<50'), parseThreshold('error_rate<0.01')], [parseThreshold('p95_ms<1')]);
    expect(merged.map(formatThreshold)).toEqual(['error_rate<0.01', 'p95_ms<1']);
  });
});
