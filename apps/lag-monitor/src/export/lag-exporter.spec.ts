import { describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '@lagscale/kafka-core';
import { createDeriveState, defaultDeriveOptions, derive, type DeriveState } from '../derive/index.js';
import type { GroupTopicView, ScalingDecision, Snapshot } from '../model/index.js';
import { createLagExporter } from './lag-exporter.js';
import { METRIC_NAMES } from './metric-names.js';
import { findSample, findSamples, parsePrometheusText, parsePrometheusTypes, type PrometheusSample } from '../../test-support/prometheus-text.js';

const T0 = 1_700_000_000_000;

function okSnapshot(atMs: number, overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    atMs,
    durationMs: 42,
    ok: true,
    errors: [],
    topics: [
      { topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100 }, { partition: 1, start: 10, end: 50 }] },
      { topic: 'audit', partitions: [{ partition: 0, start: 0, end: 7 }] },
    ],
    groups: [
      {
        groupId: 'billing',
        state: 'Stable',
        members: 2,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, start: 0, end: 100, committed: 60 },
              { partition: 1, start: 10, end: 50, committed: null },
            ],
          },
        ],
      },
      { groupId: 'auditor', state: 'Empty', members: 0, topics: [{ topic: 'audit', partitions: [{ partition: 0, start: 0, end: 7, committed: 7 }] }] },
    ],
    ...overrides,
  };
}

const failedSnapshot = (atMs: number): Snapshot => ({
  atMs,
  durationMs: 3_000,
  ok: false,
  topics: [],
  groups: [],
  errors: [{ scope: 'broker', code: 'BROKER_UNREACHABLE', message: 'connect ECONNREFUSED' }],
});

function setup() {
  const registry: Registry = createRegistry({ app: 'lag-monitor', defaultMetrics: false });
  const exporter = createLagExporter(registry, { defaultLabels: { app: 'lag-monitor' } });
  let state: DeriveState = createDeriveState();
  let views: GroupTopicView[] = [];
  const cycle = (snapshot: Snapshot, scaling?: Parameters<typeof exporter.update>[0]['scaling']) => {
    if (snapshot.ok) ({ state, views } = derive(state, snapshot, defaultDeriveOptions));
    exporter.update({ snapshot, views, ...(scaling === undefined ? {} : { scaling }) });
  };
  const scrape = async () => {
    const text = await exporter.text();
    return { text, samples: parsePrometheusText(text), types: parsePrometheusTypes(text) };
  };
  return { registry, cycle, scrape };
}

const labelNames = (s: PrometheusSample) => Object.keys(s.labels).sort();

describe('createLagExporter', () => {
  it('exports the kafka_exporter series with its names, labels and gauge type', async () => {
    const { cycle, scrape } = setup();
    cycle(okSnapshot(T0));
    const { samples, types } = await scrape();
    const expected: Array<{ name: string; labels: string[] }> = [
      { name: 'kafka_consumergroup_lag', labels: ['consumergroup', 'topic', 'partition'] },
      { name: 'kafka_consumergroup_lag_sum', labels: ['consumergroup', 'topic'] },
      { name: 'kafka_consumergroup_current_offset', labels: ['consumergroup', 'topic', 'partition'] },
      { name: 'kafka_consumergroup_current_offset_sum', labels: ['consumergroup', 'topic'] },
      { name: 'kafka_topic_partition_current_offset', labels: ['topic', 'partition'] },
      { name: 'kafka_topic_partition_oldest_offset', labels: ['topic', 'partition'] },
      { name: 'kafka_topic_partitions', labels: ['topic'] },
      { name: 'kafka_consumergroup_members', labels: ['consumergroup'] },
    ];
    for (const { name, labels } of expected) {
      expect(types.get(name), name).toBe('gauge');
      const series = findSamples(samples, name);
      expect(series.length, name).toBeGreaterThan(0);
      for (const s of series) expect(labelNames(s), name).toEqual([...labels, 'app'].sort());
    }
    expect(findSample(samples, 'kafka_consumergroup_lag', { consumergroup: 'billing', topic: 'orders', partition: '0' })?.value).toBe(40);
    expect(findSample(samples, 'kafka_consumergroup_current_offset', { consumergroup: 'billing', topic: 'orders', partition: '0' })?.value).toBe(60);
    expect(findSample(samples, 'kafka_topic_partition_current_offset', { topic: 'orders', partition: '1' })?.value).toBe(50);
    expect(findSample(samples, 'kafka_topic_partition_oldest_offset', { topic: 'orders', partition: '1' })?.value).toBe(10);
    expect(findSample(samples, 'kafka_topic_partitions', { topic: 'orders' })?.value).toBe(2);
    expect(findSample(samples, 'kafka_consumergroup_members', { consumergroup: 'billing' })?.value).toBe(2);
    expect(findSample(samples, 'kafka_consumergroup_members', { consumergroup: 'auditor' })?.value).toBe(0);
  });

  it('reports an uncommitted partition by the reset policy and in its own gauge, never as −1', async () => {
    const { cycle, scrape } = setup();
    cycle(okSnapshot(T0));
    const { samples } = await scrape();
    const p1 = { consumergroup: 'billing', topic: 'orders', partition: '1' };
    expect(findSample(samples, 'kafka_consumergroup_lag', p1)?.value).toBe(40); // earliest: end − start
    expect(findSamples(samples, 'kafka_consumergroup_current_offset', p1)).toEqual([]);
    expect(findSample(samples, 'kafka_consumergroup_lag_sum', { consumergroup: 'billing', topic: 'orders' })?.value).toBe(80);
    expect(findSample(samples, 'kafka_consumergroup_current_offset_sum', { consumergroup: 'billing', topic: 'orders' })?.value).toBe(60);
    expect(findSample(samples, METRIC_NAMES.uncommittedPartitions, { consumergroup: 'billing', topic: 'orders' })?.value).toBe(1);
    expect(samples.filter((s) => s.name.startsWith('kafka_') && s.value < 0)).toEqual([]);
  });

  it('exports the lag_monitor series per partition and per group and topic', async () => {
    const { cycle, scrape } = setup();
    cycle(okSnapshot(T0));
    const { samples, types } = await scrape();
    const gt = { consumergroup: 'billing', topic: 'orders' };
    const p0 = { ...gt, partition: '0' };
    expect(findSample(samples, METRIC_NAMES.up)?.value).toBe(1);
    expect(findSample(samples, METRIC_NAMES.partitionTimeLag, p0)?.value).toBe(0);
    expect(findSample(samples, METRIC_NAMES.partitionConsumptionRate, p0)?.value).toBe(0);
    expect(findSample(samples, METRIC_NAMES.partitionProductionRate, { topic: 'orders', partition: '0' })?.value).toBe(0);
    expect(findSample(samples, METRIC_NAMES.partitionHealth, p0)?.value).toBe(0);
    expect(findSample(samples, METRIC_NAMES.health, gt)?.value).toBe(0);
    // lag and nothing consumed yet: never drains
    expect(findSample(samples, METRIC_NAMES.timeToDrain, gt)?.value).toBe(Number.POSITIVE_INFINITY);
    expect(findSample(samples, METRIC_NAMES.timeToDrain, { consumergroup: 'auditor', topic: 'audit' })?.value).toBe(0);
    expect(findSample(samples, METRIC_NAMES.partitionsWithLag, gt)?.value).toBe(2);
    expect(findSample(samples, METRIC_NAMES.groupState, { consumergroup: 'auditor', state: 'Empty' })?.value).toBe(1);
    expect(findSample(samples, METRIC_NAMES.lastSuccessTimestamp)?.value).toBe(T0 / 1000);
    expect(findSample(samples, `${METRIC_NAMES.collectionDuration}_count`)?.value).toBe(1);
    expect(findSample(samples, `${METRIC_NAMES.collectionDuration}_sum`)?.value).toBeCloseTo(0.042, 9);
    expect(types.get(METRIC_NAMES.collectionDuration)).toBe('histogram');
    expect(types.get(METRIC_NAMES.collectionErrors)).toBe('counter');
    expect(types.get(METRIC_NAMES.scalingDecisions)).toBe('counter');
  });

  it('exports health codes that grow with severity', async () => {
    const { cycle, scrape } = setup();
    // 14 cycles 5 s apart with the committed offset stuck: a full window of evidence.
    for (let i = 0; i < 14; i += 1) cycle(okSnapshot(T0 + i * 5_000));
    const { samples } = await scrape();
    // billing has members and is stuck with lag → STALL (2); auditor is caught up → OK (0)
    expect(findSample(samples, METRIC_NAMES.partitionHealth, { consumergroup: 'billing', topic: 'orders', partition: '0' })?.value).toBe(2);
    expect(findSample(samples, METRIC_NAMES.health, { consumergroup: 'billing', topic: 'orders' })?.value).toBe(2);
    expect(findSample(samples, METRIC_NAMES.health, { consumergroup: 'auditor', topic: 'audit' })?.value).toBe(0);
  });

  it('removes the series of groups, topics and partitions that vanish', async () => {
    const { cycle, scrape } = setup();
    cycle(okSnapshot(T0));
    const before = await scrape();
    expect(findSamples(before.samples, 'kafka_consumergroup_lag', { consumergroup: 'auditor' })).toHaveLength(1);
    const shrunk = okSnapshot(T0 + 5_000);
    shrunk.topics = shrunk.topics.filter((t) => t.topic === 'orders').map((t) => ({ ...t, partitions: t.partitions.slice(0, 1) }));
    shrunk.groups = shrunk.groups
      .filter((g) => g.groupId === 'billing')
      .map((g) => ({ ...g, topics: g.topics.map((t) => ({ ...t, partitions: t.partitions.slice(0, 1) })) }));
    cycle(shrunk);
    const { samples } = await scrape();
    const mentions = (what: string) => samples.filter((s) => Object.values(s.labels).includes(what));
    expect(mentions('auditor')).toEqual([]);
    expect(mentions('audit')).toEqual([]);
    expect(findSamples(samples, 'kafka_consumergroup_lag').map((s) => s.labels.partition)).toEqual(['0']);
    expect(findSamples(samples, 'kafka_topic_partition_current_offset').map((s) => s.labels.partition)).toEqual(['0']);
    expect(findSamples(samples, METRIC_NAMES.partitionHealth)).toHaveLength(1);
  });

  it('on a failed cycle: up 0, error counted, duration observed, broker series dropped', async () => {
    const { cycle, scrape } = setup();
    const decision: ScalingDecision = { atMs: T0, current: 1, desired: 2, recommended: 2, action: 'scale-up', reason: 'lag', detail: 'lag 80 / 50 per replica' };
    cycle(okSnapshot(T0), { groupId: 'billing', current: 1, desired: 2, decision });
    cycle(failedSnapshot(T0 + 5_000));
    const { samples } = await scrape();
    expect(findSample(samples, METRIC_NAMES.up)?.value).toBe(0);
    expect(findSample(samples, METRIC_NAMES.collectionErrors, { scope: 'broker', code: 'BROKER_UNREACHABLE' })?.value).toBe(1);
    expect(findSample(samples, METRIC_NAMES.lastCollectionErrors, { scope: 'broker', code: 'BROKER_UNREACHABLE', consumergroup: '', topic: '' })?.value).toBe(1);
    expect(findSample(samples, `${METRIC_NAMES.collectionDuration}_count`)?.value).toBe(2);
    expect(findSample(samples, METRIC_NAMES.lastCollectionTimestamp)?.value).toBe((T0 + 5_000) / 1000);
    expect(findSample(samples, METRIC_NAMES.lastSuccessTimestamp)?.value).toBe(T0 / 1000);
    const brokerSeries = samples.filter((s) => s.name.startsWith('kafka_') || 'consumergroup' in s.labels || 'topic' in s.labels);
    // only the scaling series (from the actuator, not the broker) and the error gauge remain
    expect([...new Set(brokerSeries.map((s) => s.name))].sort()).toEqual(
      [METRIC_NAMES.currentReplicas, METRIC_NAMES.desiredReplicas, METRIC_NAMES.lastCollectionErrors, METRIC_NAMES.scalingDecisions].sort(),
    );
    // no decision without a collection: the counter did not move
    expect(findSample(samples, METRIC_NAMES.scalingDecisions, { consumergroup: 'billing', action: 'scale-up', reason: 'lag' })?.value).toBe(1);

    cycle(okSnapshot(T0 + 10_000));
    const back = await scrape();
    expect(findSample(back.samples, METRIC_NAMES.up)?.value).toBe(1);
    expect(findSamples(back.samples, 'kafka_consumergroup_lag')).toHaveLength(3);
    expect(findSamples(back.samples, METRIC_NAMES.lastCollectionErrors)).toEqual([]);
  });

  it('counts group and topic errors by scope and code, once per snapshot', async () => {
    const { registry, cycle, scrape } = setup();
    const snapshot = okSnapshot(T0, {
      errors: [
        { scope: 'group', groupId: 'ghost', code: 'GROUP_NOT_FOUND', message: 'no such group' },
        { scope: 'topic', groupId: 'billing', topic: 'missing', code: 'TOPIC_NOT_FOUND', message: 'no such topic' },
        { scope: 'topic', topic: 'gone', code: 'TOPIC_NOT_FOUND', message: 'no such topic' },
      ],
    });
    cycle(snapshot);
    // the same snapshot again (e.g. a second update in one cycle) is not counted twice
    cycle(snapshot);
    const { samples } = await scrape();
    expect(findSample(samples, METRIC_NAMES.collectionErrors, { scope: 'group', code: 'GROUP_NOT_FOUND' })?.value).toBe(1);
    expect(findSample(samples, METRIC_NAMES.collectionErrors, { scope: 'topic', code: 'TOPIC_NOT_FOUND' })?.value).toBe(2);
    expect(findSample(samples, METRIC_NAMES.lastCollectionErrors, { scope: 'group', consumergroup: 'ghost', topic: '', code: 'GROUP_NOT_FOUND' })?.value).toBe(1);
    expect(findSample(samples, METRIC_NAMES.lastCollectionErrors, { scope: 'topic', consumergroup: 'billing', topic: 'missing', code: 'TOPIC_NOT_FOUND' })?.value).toBe(1);
    expect(findSample(samples, `${METRIC_NAMES.collectionDuration}_count`)?.value).toBe(1);
    expect(findSample(samples, METRIC_NAMES.up)?.value).toBe(1);
    // The per-partition series are rendered from the views, not kept as prom-client gauges.
    expect(registry.getSingleMetric(METRIC_NAMES.consumerGroupLag)).toBeUndefined();
    expect(findSample(samples, METRIC_NAMES.consumerGroupLag, { consumergroup: 'billing', topic: 'orders', partition: '0' })?.value).toBe(40);
  });

  it('exports desired and current replicas and counts each decision once by action and reason', async () => {
    const { cycle, scrape } = setup();
    const up: ScalingDecision = { atMs: T0, current: 1, desired: 3, recommended: 3, action: 'scale-up', reason: 'rate', detail: '' };
    const hold: ScalingDecision = { atMs: T0 + 5_000, current: 3, desired: 3, recommended: 2, action: 'hold', reason: 'stabilizing', detail: '' };
    cycle(okSnapshot(T0), { groupId: 'billing', current: 1, desired: 3, decision: up });
    cycle(okSnapshot(T0 + 5_000), { groupId: 'billing', current: 3, desired: 3, decision: hold });
    cycle(okSnapshot(T0 + 10_000), { groupId: 'billing', current: 3, desired: 3, decision: hold });
    cycle(okSnapshot(T0 + 15_000), { groupId: 'billing', current: 3, desired: 3 });
    const { samples } = await scrape();
    expect(findSample(samples, METRIC_NAMES.desiredReplicas, { consumergroup: 'billing' })?.value).toBe(3);
    expect(findSample(samples, METRIC_NAMES.currentReplicas, { consumergroup: 'billing' })?.value).toBe(3);
    expect(findSample(samples, METRIC_NAMES.scalingDecisions, { action: 'scale-up', reason: 'rate' })?.value).toBe(1);
    expect(findSample(samples, METRIC_NAMES.scalingDecisions, { action: 'hold', reason: 'stabilizing' })?.value).toBe(1);
  });

  it('renders the latest cycle when several ran between scrapes, and the same text when none did', async () => {
    const { cycle, scrape } = setup();
    cycle(okSnapshot(T0));
    const next = okSnapshot(T0 + 5_000);
    next.topics = next.topics.map((t) => (t.topic === 'audit' ? { ...t, partitions: [{ partition: 0, start: 0, end: 9 }] } : t));
    cycle(next);
    const first = await scrape();
    expect(findSample(first.samples, 'kafka_topic_partition_current_offset', { topic: 'audit', partition: '0' })?.value).toBe(9);
    const second = await scrape();
    expect(second.text).toBe(first.text);
  });

  it('reports up 0 and no broker series before the first cycle', async () => {
    const { scrape } = setup();
    const { samples } = await scrape();
    expect(findSample(samples, METRIC_NAMES.up)?.value).toBe(0);
    expect(findSamples(samples, 'kafka_consumergroup_lag')).toEqual([]);
  });
});
