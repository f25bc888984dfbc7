import { describe, expect, it } from 'vitest';
import { parsePrometheusText, parsePrometheusTypes } from './prometheus-text.js';

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
