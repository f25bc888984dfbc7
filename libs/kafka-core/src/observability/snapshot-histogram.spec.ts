import { describe, expect, it } from 'vitest';
import { Registry } from './metrics.js';
import { BucketCounts } from './bucket-counts.js';
import { SnapshotHistogram } from './snapshot-histogram.js';

describe('SnapshotHistogram', () => {
  function setup() {
    const registry = new Registry();
    registry.setDefaultLabels({ app: 'test' });
    const counts = new BucketCounts([0.001, 0.1]);
    new SnapshotHistogram({ name: 'test_latency_seconds', help: 'Latency', read: () => counts.snapshot(), registers: [registry] });
    return { registry, counts };
  }

  it('exposes cumulative buckets, +Inf, sum and count in the registry text, like a prom-client histogram', async () => {
    const { registry, counts } = setup();
    counts.observe(0.0005, 2);
    counts.observe(0.05);
    counts.observe(3);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE test_latency_seconds histogram');
    expect(text).toContain('test_latency_seconds_bucket{le="0.001",app="test"} 2');
    expect(text).toContain('test_latency_seconds_bucket{le="0.1",app="test"} 3');
    expect(text).toContain('test_latency_seconds_bucket{le="+Inf",app="test"} 4');
    expect(text).toContain('test_latency_seconds_sum{app="test"} 3.051');
    expect(text).toContain('test_latency_seconds_count{app="test"} 4');
  });

  it('starts again from zero after a registry reset', async () => {
    const { registry, counts } = setup();
    counts.observe(0.05);
    registry.resetMetrics();
    counts.observe(0.0001);
    const [metric] = (await registry.getMetricsAsJSON()).filter((m) => m.name === 'test_latency_seconds');
    const [le1ms, le100ms, inf, sum, count] = metric?.values.map((v) => v.value) ?? [];
    expect({ le1ms, le100ms, inf, count }).toEqual({ le1ms: 1, le100ms: 1, inf: 1, count: 1 });
    expect(sum).toBeCloseTo(0.0001, 12);
  });

  it('puts its own labels on every series, as a labelled prom-client histogram would', async () => {
    const registry = new Registry();
    const counts = new BucketCounts([0.5]);
    new SnapshotHistogram({ name: 'test_produce_seconds', help: 'Latency', read: () => counts.snapshot(), labels: { topic: 'orders' }, registers: [registry] });
    counts.observe(0.2);
    const text = await registry.metrics();
    expect(text).toContain('test_produce_seconds_bucket{topic="orders",le="0.5"} 1');
    expect(text).toContain('test_produce_seconds_bucket{topic="orders",le="+Inf"} 1');
    expect(text).toContain('test_produce_seconds_sum{topic="orders"} 0.2');
    expect(text).toContain('test_produce_seconds_count{topic="orders"} 1');
  });
});
