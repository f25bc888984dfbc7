import { describe, expect, it } from 'vitest';
import { findSample, findSamples, parsePrometheusText, parsePrometheusTypes } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it.each([
    { name: 'no labels', line: 'lag_monitor_up 1', sample: { name: 'lag_monitor_up', labels: {}, value: 1 } },
    { name: 'labels', line: 'kafka_consumergroup_lag{consumergroup="g",topic="t",partition="0"} 42', sample: { name: 'kafka_consumergroup_lag', labels: { consumergroup: 'g', topic: 't', partition: '0' }, value: 42 } },
    { name: 'escaped label value', line: 'x{topic="a\\"b\\\\c\\nd"} 0.5', sample: { name: 'x', labels: { topic: 'a"b\\c\nd' }, value: 0.5 } },
    { name: '+Inf', line: 'lag_monitor_time_to_drain_seconds{topic="t"} +Inf', sample: { name: 'lag_monitor_time_to_drain_seconds', labels: { topic: 't' }, value: Number.POSITIVE_INFINITY } },
  ])('$name', ({ line, sample }) => {
    expect(parsePrometheusText(`# HELP x y\n${line}\n`)).toEqual([sample]);
  });

  it('rejects a line that is not a sample', () => {
    expect(() => parsePrometheusText('not a sample line at all')).toThrow(/not a Prometheus sample line/);
  });

  it('reads the TYPE of each family', () => {
    expect(parsePrometheusTypes('# TYPE a gauge\na 1\n# TYPE b_total counter\nb_total 2\n')).toEqual(
      new Map([
        ['a', 'gauge'],
        ['b_total', 'counter'],
      ]),
    );
  });
});

describe('findSamples and findSample', () => {
  const samples = parsePrometheusText(['up 1', 'lag{group="g",partition="0"} 3', 'lag{group="g",partition="1"} 4', 'lag{group="h",partition="0"} 5'].join('\n'));

  it('finds the samples of a name whose labels include the given ones', () => {
    expect(findSamples(samples, 'lag', { group: 'g' }).map((s) => s.value)).toEqual([3, 4]);
    expect(findSamples(samples, 'lag').map((s) => s.value)).toEqual([3, 4, 5]);
    expect(findSamples(samples, 'lag', { group: 'x' })).toEqual([]);
    expect(findSamples(samples, 'absent')).toEqual([]);
  });

  it('finds one sample, undefined for none, and refuses to pick one of several', () => {
    expect(findSample(samples, 'lag', { group: 'g', partition: '1' })).toEqual({ name: 'lag', labels: { group: 'g', partition: '1' }, value: 4 });
    expect(findSample(samples, 'up')?.value).toBe(1);
    expect(findSample(samples, 'lag', { group: 'x' })).toBeUndefined();
    expect(() => findSample(samples, 'lag', { group: 'g' })).toThrow('2 samples of lag match {"group":"g"}, expected at most one');
  });
});
