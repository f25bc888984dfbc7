// When the broker goes away the monitor says so (`lag_monitor_up 0`, errors counted, /healthz
// still 200) and makes no scaling move: a vanished metric must never read as "no lag, scale
// down". When the broker is back, it resumes by itself.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAsGroup, TestKafka } from '@lagscale/kafka-core/testing';
import { killBroker, startEmbeddedBroker, throwawayBrokerOptions, type EmbeddedBroker, type ThrowawayBrokerOptions } from '../../../tools/kafka/embedded-broker.js';
import { findSample, findSamples } from '../test-support/prometheus-text.js';
import type { Actuator } from '../src/model/index.js';
import { produceCounts } from './collect-helpers.js';
import { scrape, startMonitor, type TestMonitor } from './monitor-helpers.js';

/** An actuator that records what it is asked, for a monitor that must not act. */
function recordingActuator(initial: number): Actuator & { calls: number[] } {
  let replicas = initial;
  const calls: number[] = [];
  return {
    kind: 'recording',
    calls,
    current: async () => replicas,
    scale: async (n) => {
      calls.push(n);
      replicas = n;
    },
    stop: async () => undefined,
  };
}

describe('lag-monitor when the broker goes down', () => {
  let brokerOptions: ThrowawayBrokerOptions;
  let broker: EmbeddedBroker | undefined;
  let t: TestKafka;
  let monitor: TestMonitor | undefined;

  beforeAll(async () => {
    brokerOptions = await throwawayBrokerOptions('lag-monitor-broker-down');
    broker = await startEmbeddedBroker(brokerOptions);
    t = new TestKafka({ brokers: broker.brokers });
    await t.connect();
  });

  afterAll(async () => {
    await monitor?.service.stop();
    await t.cleanup().catch(() => undefined);
    await broker?.stop();
    if (brokerOptions !== undefined) await rm(brokerOptions.dataDir, { recursive: true, force: true });
  }, 120_000);

  it('exports up 0, counts errors and holds the replicas while the broker is gone; resumes by itself when it is back', { timeout: 240_000 }, async () => {
    const topic = await t.createTopic({ partitions: 4, prefix: 'down' });
    const groupId = t.groupId('down');
    const producer = await t.producer();
    await produceCounts(producer, topic, [100, 100, 100, 100]);
    await commitAsGroup(t, groupId, { [topic]: [0, 0, 0, 0] });
    const actuator = recordingActuator(3);
    monitor = await startMonitor(
      {
        LAG_MONITOR_GROUPS: groupId,
        LAG_MONITOR_SCALE_GROUP: groupId,
        LAG_MONITOR_SCALE_MODE: 'lag',
        LAG_MONITOR_LAG_PER_REPLICA: '100',
        LAG_MONITOR_MIN_REPLICAS: '1',
        LAG_MONITOR_MAX_REPLICAS: '10',
        LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: '0',
        LAG_MONITOR_COLLECT_TIMEOUT_MS: '1500',
      },
      { brokers: broker?.brokers ?? [], actuator },
    );
    // 400 lag at 100 per replica: 4 replicas, the partition count.
    await monitor.until((c) => c.scaling?.decision.desired === 4);
    const url = monitor.service.url ?? '';
    expect(findSample(await scrape(url), 'lag_monitor_up')?.value).toBe(1);
    const callsBefore = actuator.calls.length;

    await producer.disconnect();
    // SIGKILL: a crash, as a node lost to the kernel or a pod evicted hard.
    await killBroker(brokerOptions.dataDir);

    const failed = await monitor.until((c) => !c.snapshot.ok, 30_000);
    expect(failed.snapshot.errors.some((e) => e.scope === 'broker')).toBe(true);
    expect(failed.scaling?.decision.action).toBe('hold');
    expect(failed.scaling?.decision.reason).toBe('collection-failed');
    // A few more failed cycles: still holding, never acting.
    await monitor.until((c) => !c.snapshot.ok && monitor !== undefined && monitor.cycles.filter((x) => !x.snapshot.ok).length >= 3, 30_000);
    expect(actuator.calls.length).toBe(callsBefore);

    const metrics = await scrape(url);
    expect(findSample(metrics, 'lag_monitor_up')?.value).toBe(0);
    const errors = findSamples(metrics, 'lag_monitor_collection_errors_total', { scope: 'broker' });
    expect(errors.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(3);
    // No frozen lag: the per-partition series are gone while the broker is unreachable.
    expect(findSamples(metrics, 'kafka_consumergroup_lag')).toEqual([]);
    const status = (await (await fetch(`${url}/status`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(status)).toContain('collection-failed');
    // Alive, not ready: restarting the monitor would not bring the broker back.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);

    broker = await startEmbeddedBroker(brokerOptions);
    const resumed = await monitor.until((c) => c.snapshot.ok && c.views.some((v) => v.groupId === groupId), 120_000);
    expect(resumed.scaling?.decision.reason).not.toBe('collection-failed');
    const after = await scrape(url);
    expect(findSample(after, 'lag_monitor_up')?.value).toBe(1);
    expect(findSamples(after, 'kafka_consumergroup_lag', { consumergroup: groupId }).reduce((sum, s) => sum + s.value, 0)).toBe(400);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // The same lag as before the gap: the same 4 replicas, and no move across the gap.
    expect(resumed.scaling?.decision.desired).toBe(4);
    expect(actuator.calls.length).toBe(callsBefore);
  });
});
