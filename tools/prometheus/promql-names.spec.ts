import { describe, expect, it } from 'vitest';
import { exposedNames, metricNamesIn, parseLabelValues } from './promql-names.js';

describe('metricNamesIn', () => {
  it.each([
    { expr: 'sum by (consumergroup, topic) (kafka_consumergroup_lag{namespace=~"$namespace", topic=~"a.b"})', names: ['kafka_consumergroup_lag'] },
    { expr: 'histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{pod=~"$pod"}[$__rate_interval])))', names: ['x_seconds_bucket'] },
    { expr: 'max by (a) (clamp_max(y_seconds{a="b"}, 86400)) > 1e3', names: ['y_seconds'] },
    { expr: 'a_total offset 5m / on (pod) group_left(node) b_info', names: ['a_total', 'b_info'] },
    { expr: 'deriv(ns:lag:sum[10m]) > 0\nand ns:lag:sum > 1000', names: ['ns:lag:sum'] },
    { expr: 'absent(lag_monitor_up)', names: ['lag_monitor_up'] },
    { expr: 'sum(increase(c_total{action!="hold", reason=~"max-replicas|partition-cap"}[$__range])) and bool other', names: ['c_total', 'other'] },
    { expr: 'rate(q{l="{not}a name"}[5s])', names: ['q'] },
  ])('$expr', ({ expr, names }) => {
    expect(metricNamesIn(expr).sort()).toEqual([...names].sort());
  });
});

describe('parseLabelValues', () => {
  it('splits selector and label', () => {
    expect(parseLabelValues('label_values(kafka_consumergroup_lag{namespace=~"$namespace"}, consumergroup)')).toEqual({ selector: 'kafka_consumergroup_lag{namespace=~"$namespace"}', label: 'consumergroup' });
    expect(parseLabelValues('query_result(up)')).toBeUndefined();
  });
});

describe('exposedNames', () => {
  it('adds the series of histograms and summaries', () => {
    const text = ['# HELP h_seconds x', '# TYPE h_seconds histogram', 'h_seconds_bucket{le="1"} 0', '# TYPE s summary', '# TYPE c_total counter', 'c_total 3', 'untyped_thing 1'].join('\n');
    expect([...exposedNames(text)].sort()).toEqual(['c_total', 'h_seconds', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum', 's', 's_count', 's_sum', 'untyped_thing'].sort());
  });
});
