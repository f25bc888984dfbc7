// The monitor as a user sees it over HTTP: kafka_exporter-compatible series in /metrics with the
// same numbers an independent admin client reads, /status as JSON, and bad input (an unknown
// group, a missing topic) reported there instead of crashing the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAsGroup, TestKafka, uniqueName } from '@lagscale/kafka-core/testing';
import { findSample } from '../test-support/prometheus-text.js';
import { independentLag, produceCounts } from './collect-helpers.js';
import { scrape, startMonitor, type TestMonitor } from './monitor-helpers.js';

describe('lag-monitor over HTTP', () => {
  const t = new TestKafka();
  let monitor: TestMonitor | undefined;
  let topic: string;
  let committedGroup: string;
  let unknownGroup: string;
  let monitorStartedAtMs: number;
  const missingTopic = uniqueName('missing-topic');

  beforeAll(async () => {
    await t.connect();
    topic = await t.createTopic({ partitions: 3, prefix: 'http' });
    await produceCounts(await t.producer(), topic, [30, 30, 30]);
    committedGroup = t.groupId('committed');
    unknownGroup = t.groupId('never-seen');
    await commitAsGroup(t, committedGroup, { [topic]: [10, 30, 0] });
    monitorStartedAtMs = Date.now();
    monitor = await startMonitor({ LAG_MONITOR_GROUPS: `${committedGroup},${unknownGroup}`, LAG_MONITOR_TOPICS: `${topic},${missingTopic}` });
    await monitor.until((c) => c.snapshot.ok && c.views.some((v) => v.groupId === committedGroup));
  });

  afterAll(async () => {
    await monitor?.service.stop();
    await t.cleanup();
  });

  it('exports the kafka_exporter series with its names and labels, matching the admin API', async () => {
    const url = monitor?.service.url ?? '';
    const metrics = await scrape(url);
    // What a client apart from the monitor reads: the commits of beforeAll on 30 records a partition.
    const groupLag = await independentLag(t.admin, committedGroup, topic);
    expect(groupLag).toEqual([
      { partition: 0, committed: 10, lag: 20 },
      { partition: 1, committed: 30, lag: 0 },
      { partition: 2, committed: 0, lag: 30 },
    ]);
    for (const { partition, committed, lag } of groupLag) {
      const labels = { consumergroup: committedGroup, topic, partition: String(partition) };
      expect(findSample(metrics, 'kafka_consumergroup_lag', labels)?.value).toBe(lag);
      expect(findSample(metrics, 'kafka_consumergroup_current_offset', labels)?.value).toBe(committed);
    }
    const logOffsets = await t.admin.fetchTopicOffsets(topic);
    expect(logOffsets.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const { partition, high, low } of logOffsets) {
      const labels = { topic, partition: String(partition) };
      expect(findSample(metrics, 'kafka_topic_partition_current_offset', labels)?.value).toBe(Number(high));
      expect(findSample(metrics, 'kafka_topic_partition_oldest_offset', labels)?.value).toBe(Number(low));
    }
    const groupTopic = { consumergroup: committedGroup, topic };
    expect(findSample(metrics, 'kafka_consumergroup_lag_sum', groupTopic)?.value).toBe(20 + 0 + 30);
    expect(findSample(metrics, 'kafka_topic_partitions', { topic })?.value).toBe(3);
    expect(findSample(metrics, 'kafka_consumergroup_members', { consumergroup: committedGroup })?.value).toBe(0);
    expect(findSample(metrics, 'lag_monitor_up')?.value).toBe(1);
    // Nothing is produced or committed while the monitor runs, and every partition has a commit.
    expect(findSample(metrics, 'lag_monitor_production_rate', groupTopic)?.value).toBe(0);
    expect(findSample(metrics, 'lag_monitor_consumption_rate', groupTopic)?.value).toBe(0);
    expect(findSample(metrics, 'lag_monitor_uncommitted_partitions', groupTopic)?.value).toBe(0);
    // The unread records predate the monitor: their age is what some cycle (the latest one as of
    // the scrape) estimated, within the monitor's own lifetime.
    const timeLag = findSample(metrics, 'lag_monitor_time_lag_seconds', groupTopic)?.value;
    expect(timeLag).toBeGreaterThanOrEqual(0);
    expect(timeLag).toBeLessThanOrEqual((Date.now() - monitorStartedAtMs) / 1000);
    const estimates = (monitor?.cycles ?? []).flatMap((c) => c.views.filter((v) => v.groupId === committedGroup && v.topic === topic).map((v) => v.maxTimeLagSeconds));
    expect(estimates).toContain(timeLag);
  });

  it('reports an unknown group and a missing topic in /status and /metrics, and keeps running', async () => {
    const url = monitor?.service.url ?? '';
    const response = await fetch(`${url}/status`);
    expect(response.status).toBe(200);
    const body = JSON.stringify(await response.json());
    expect(body).toContain(missingTopic);
    expect(body).toContain('TOPIC_NOT_FOUND');
    expect(body).toContain(committedGroup);
    const metrics = await scrape(url);
    expect(findSample(metrics, 'lag_monitor_collection_errors_total', { scope: 'topic', code: 'TOPIC_NOT_FOUND' })?.value).toBeGreaterThan(0);
    // The group the broker has never seen is not given the configured topic's backlog as lag:
    // it is reported as unknown (monitor-operator-view.test.ts has the details).
    expect(findSample(metrics, 'lag_monitor_uncommitted_partitions', { consumergroup: unknownGroup, topic })).toBeUndefined();
    expect(findSample(metrics, 'lag_monitor_group_state', { consumergroup: unknownGroup, state: 'Unknown' })?.value).toBe(1);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('reports a named group the broker does not know as GROUP_NOT_FOUND', async () => {
    const typo = `${committedGroup}-typo`;
    const second = await startMonitor({ LAG_MONITOR_GROUPS: `${committedGroup},${typo}` });
    try {
      const cycle = await second.until((c) => c.snapshot.ok && c.views.some((v) => v.groupId === committedGroup));
      expect(cycle.snapshot.errors).toContainEqual(expect.objectContaining({ scope: 'group', groupId: typo, code: 'GROUP_NOT_FOUND' }));
      const url = second.service.url ?? '';
      const status = JSON.stringify(await (await fetch(`${url}/status`)).json());
      expect(status).toContain(typo);
      expect(status).toContain('GROUP_NOT_FOUND');
      expect(findSample(await scrape(url), 'lag_monitor_collection_errors_total', { scope: 'group', code: 'GROUP_NOT_FOUND' })?.value).toBeGreaterThan(0);
    } finally {
      await second.service.stop();
    }
  });
});
