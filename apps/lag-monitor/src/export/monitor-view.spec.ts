import { describe, expect, it } from 'vitest';
import { createRegistry } from '@lagscale/kafka-core';
import { deriveAll } from '../../test-support/derive-fixtures.js';
import { findSample, parsePrometheusText } from '../../test-support/prometheus-text.js';
import type { Snapshot } from '../model/index.js';
import { createLagExporter } from './lag-exporter.js';
import { buildMonitorView, INFINITE_SECONDS, jsonSeconds, metricSeconds } from './monitor-view.js';
import { buildStatus } from './status.js';

const T0 = 1_700_000_000_000;

const snapshot: Snapshot = {
  atMs: T0,
  durationMs: 5,
  ok: true,
  errors: [],
  topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100 }] }],
  groups: [
    { groupId: 'billing', state: 'Empty', members: 0, topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100, committed: 40 }] }] },
    { groupId: 'typo', state: 'Unknown', members: 0, topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100, committed: null }] }] },
  ],
};

describe('monitor view', () => {
  it('spells a time that never comes "+Inf" in JSON and +Inf in metrics', () => {
    expect(jsonSeconds(null)).toBe(INFINITE_SECONDS);
    expect(jsonSeconds(12.3456, Math.round)).toBe(12);
    expect(metricSeconds(null)).toBe(Number.POSITIVE_INFINITY);
    expect(metricSeconds(4)).toBe(4);
  });

  it('leaves the views of a group the broker does not know out of both renderings', async () => {
    const view = buildMonitorView({
      snapshot,
      views: deriveAll([snapshot]).views,
      decisions: [],
      scaling: { groupId: 'billing', topics: [], actuator: 'none', mode: 'lag', current: 0, desired: 1 },
    });
    expect(view.unknownGroups).toEqual(['typo']);
    expect(view.views.map((v) => v.groupId)).toEqual(['billing']);

    const registry = createRegistry({ app: 'lag-monitor', defaultMetrics: false });
    const exporter = createLagExporter(registry);
    exporter.update(view);
    const metrics = parsePrometheusText(await exporter.text());
    const status = buildStatus(view, { startedAtMs: T0, nowMs: T0 });
    expect(findSample(metrics, 'kafka_consumergroup_lag_sum', { consumergroup: 'typo', topic: 'orders' })).toBeUndefined();
    expect(findSample(metrics, 'lag_monitor_group_state', { consumergroup: 'typo', state: 'Unknown' })?.value).toBe(1);
    expect(status.groups.find((g) => g.groupId === 'typo')).toMatchObject({ state: 'Unknown', health: 'UNKNOWN', totalLag: 0, topics: [] });
    expect(findSample(metrics, 'lag_monitor_current_replicas', { consumergroup: 'billing' })?.value).toBe(status.scaling?.current);
    const drain = status.groups.find((g) => g.groupId === 'billing')?.topics[0]?.timeToDrainSeconds;
    expect(drain).toBe('+Inf');
    expect(findSample(metrics, 'lag_monitor_time_to_drain_seconds', { consumergroup: 'billing', topic: 'orders' })?.value).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps the backlog of the scaled group while the broker does not know it yet, still as Unknown', () => {
    const view = buildMonitorView({
      snapshot,
      views: deriveAll([snapshot]).views,
      decisions: [],
      scaling: { groupId: 'typo', topics: [], actuator: 'local', mode: 'lag', current: 0, desired: 1 },
    });
    expect(view.unknownGroups).toEqual(['typo']);
    expect(view.views.map((v) => v.groupId)).toEqual(['billing', 'typo']);
    const status = buildStatus(view, { startedAtMs: T0, nowMs: T0 });
    expect(status.groups.find((g) => g.groupId === 'typo')).toMatchObject({ state: 'Unknown', health: 'UNKNOWN', totalLag: 100 });
  });

  it('leaves the derived per-partition families out with partitionSeries offsets, kafka_exporter\'s stay', async () => {
    const view = buildMonitorView({ snapshot, views: deriveAll([snapshot]).views, decisions: [] });
    const all = createLagExporter(createRegistry({ app: 'lag-monitor', defaultMetrics: false }));
    const offsets = createLagExporter(createRegistry({ app: 'lag-monitor', defaultMetrics: false }), { partitionSeries: 'offsets' });
    all.update(view);
    offsets.update(view);
    const [full, lean] = [parsePrometheusText(await all.text()), parsePrometheusText(await offsets.text())];
    const labels = { consumergroup: 'billing', topic: 'orders', partition: '0' };
    for (const name of ['lag_monitor_partition_time_lag_seconds', 'lag_monitor_partition_consumption_rate', 'lag_monitor_partition_health']) {
      expect(findSample(full, name, labels)).toBeDefined();
      expect(findSample(lean, name, labels)).toBeUndefined();
    }
    expect(findSample(lean, 'kafka_consumergroup_lag', labels)?.value).toBe(60);
    expect(findSample(lean, 'kafka_consumergroup_current_offset', labels)?.value).toBe(40);
    expect(findSample(lean, 'lag_monitor_health', { consumergroup: 'billing', topic: 'orders' })?.value).toBe(0);
  });
});
