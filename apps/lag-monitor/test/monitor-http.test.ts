// The monitor as a user sees it over HTTP: kafka_exporter-compatible series in /metrics with the
// same numbers an independent admin client reads, /status as JSON, and bad input (an unknown
// group, a missing topic) reported there instead of crashing the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka } from '@lagscale/kafka-core/testing';
import { scrape, startMonitor, type TestMonitor } from './monitor-helpers.js';

describe('lag-monitor over HTTP', () => {
  const t = new TestKafka();
  let monitor: TestMonitor | undefined;
  let topic: string;
  let committedGroup: string;
  let unknownGroup: string;
  const missingTopic = `missing-topic-${Date.now()}`;

  beforeAll(async () => {
    await t.connect();
    topic = await t.createTopic({ partitions: 3, prefix: 'http' });
    const producer = await t.producer();
    await producer.send({ topic, messages: Array.from({ length: 90 }, (_, i) => ({ partition: i % 3, value: String(i) })) });
    committedGroup = t.groupId('committed');
    unknownGroup = t.groupId('never-seen');
    await t.admin.setOffsets({ groupId: committedGroup, topic, partitions: [{ partition: 0, offset: '10' }, { partition: 1, offset: '30' }, { partition: 2, offset: '0' }] });
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
    const ends = await t.admin.fetchTopicOffsets(topic);
    const committed = (await t.admin.fetchOffsets({ groupId: committedGroup, topics: [topic] }))[0]?.partitions ?? [];
    for (const { partition, high, low } of ends) {
      const c = Number(committed.find((p) => p.partition === partition)?.offset);
      const labels = { consumergroup: committedGroup, topic, partition: String(partition) };
      const find = (name: string, l: Record<string, string>) => metrics.get(name)?.find((s) => Object.entries(l).every(([k, v]) => s.labels[k] === v))?.value;
      expect(find('kafka_consumergroup_lag', labels)).toBe(Number(high) - c);
      expect(find('kafka_consumergroup_current_offset', labels)).toBe(c);
      expect(find('kafka_topic_partition_current_offset', { topic, partition: String(partition) })).toBe(Number(high));
      expect(find('kafka_topic_partition_oldest_offset', { topic, partition: String(partition) })).toBe(Number(low));
    }
    const lagSum = metrics.get('kafka_consumergroup_lag_sum')?.find((s) => s.labels.consumergroup === committedGroup && s.labels.topic === topic);
    expect(lagSum?.value).toBe(20 + 0 + 30);
    expect(metrics.get('kafka_topic_partitions')?.find((s) => s.labels.topic === topic)?.value).toBe(3);
    expect(metrics.get('kafka_consumergroup_members')?.find((s) => s.labels.consumergroup === committedGroup)?.value).toBe(0);
    expect(metrics.get('lag_monitor_up')?.[0]?.value).toBe(1);
    for (const name of ['lag_monitor_time_lag_seconds', 'lag_monitor_consumption_rate', 'lag_monitor_production_rate', 'lag_monitor_uncommitted_partitions']) {
      expect([...metrics.keys()].some((k) => k.startsWith(name)), name).toBe(true);
    }
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
    const errors = metrics.get('lag_monitor_collection_errors_total') ?? [];
    expect(errors.some((s) => s.labels.code === 'TOPIC_NOT_FOUND' && s.value > 0)).toBe(true);
    // The group the broker has never seen is watched on the configured topic: never committed,
    // so its lag is the whole topic under `earliest`, counted as uncommitted.
    const uncommitted = metrics.get('lag_monitor_uncommitted_partitions')?.find((s) => s.labels.consumergroup === unknownGroup && s.labels.topic === topic);
    expect(uncommitted?.value).toBe(3);
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
      const errors = (await scrape(url)).get('lag_monitor_collection_errors_total') ?? [];
      expect(errors.some((s) => s.labels.scope === 'group' && s.labels.code === 'GROUP_NOT_FOUND' && s.value > 0)).toBe(true);
    } finally {
      await second.service.stop();
    }
  });
});
