import { rm } from 'node:fs/promises';
import type { Admin } from 'kafkajs';
import { defaultKafkaConfig } from '@lagscale/kafka-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAsGroup, TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import { startEmbeddedBroker, throwawayBrokerOptions, type EmbeddedBroker, type ThrowawayBrokerOptions } from '../../../tools/kafka/embedded-broker.js';
import { createCollector, type Collector } from '../src/collect/index.js';
import type { Snapshot } from '../src/model/index.js';
import { collectedLag, connectedAdmin, produceCounts } from './collect-helpers.js';

const TIMEOUT_MS = 3_000;
// The deadline is a timer: the answer comes at it, give or take a busy event loop.
const SLACK_MS = 1_000;

async function timed(collector: Collector): Promise<{ snapshot: Snapshot; elapsedMs: number }> {
  const started = performance.now();
  const snapshot = await collector.collect();
  return { snapshot, elapsedMs: performance.now() - started };
}

// The broker is a throwaway on its own ports and data dir, so stopping it disturbs no other suite.
describe('collector: broker down', () => {
  let brokerOptions: ThrowawayBrokerOptions;
  let broker: EmbeddedBroker | undefined;
  let t: TestKafka;
  const admins: Admin[] = [];
  let topic: string;
  let groupId: string;

  const startBroker = (): Promise<EmbeddedBroker> => startEmbeddedBroker(brokerOptions);

  beforeAll(async () => {
    brokerOptions = await throwawayBrokerOptions('collect-broker-down');
    broker = await startBroker();
    t = new TestKafka({ brokers: broker.brokers });
    topic = await t.createTopic({ partitions: 2, prefix: 'collect-down' });
    // Idempotent: a retried produce on a broker that just started must not write the records twice.
    await produceCounts(await t.producer({ idempotent: true }), topic, [8, 4]);
    groupId = t.groupId('collect-down');
    await commitAsGroup(t, groupId, { [topic]: [2, 4] });
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(admins.map((a) => a.disconnect()));
    await t?.cleanup();
    await broker?.stop();
    if (brokerOptions !== undefined) await rm(brokerOptions.dataDir, { recursive: true, force: true });
  }, 120_000);

  it('answers ok=false with a broker-scope error within the timeout while the broker is down, and recovers after', { timeout: 180_000 }, async () => {
    const brokers = broker?.brokers ?? [];
    // As the lag-monitor runs it (one retry), and with the apps' longer default retry loop, which
    // would outlast the deadline: the collector must answer at the deadline either way.
    const fewRetries = await connectedAdmin({ brokers, connectionTimeoutMs: 1_000 });
    const manyRetries = await connectedAdmin({ brokers, connectionTimeoutMs: 1_000, retry: defaultKafkaConfig.retry });
    admins.push(fewRetries, manyRetries);
    const collectors = [fewRetries, manyRetries].map((admin) => createCollector(admin, { groups: [groupId], topics: [], timeoutMs: TIMEOUT_MS }));

    for (const collector of collectors) {
      const { snapshot } = await timed(collector);
      expect(snapshot.ok).toBe(true);
      expect(collectedLag(snapshot, groupId, topic)?.map((p) => p.lag)).toEqual([6, 0]);
    }

    await broker?.stop();
    for (const collector of collectors) {
      // Twice: a second cycle must not pile onto (or wait forever behind) the first one's retries.
      for (let cycle = 0; cycle < 2; cycle += 1) {
        const { snapshot, elapsedMs } = await timed(collector);
        expect(snapshot.ok).toBe(false);
        expect(snapshot.groups).toEqual([]);
        expect(snapshot.errors).toHaveLength(1);
        expect(snapshot.errors[0]?.scope).toBe('broker');
        expect(['BROKER_UNREACHABLE', 'TIMEOUT']).toContain(snapshot.errors[0]?.code);
        expect(elapsedMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        expect(snapshot.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }
    }

    broker = await startBroker();
    for (const collector of collectors) {
      // A restarted broker answers before it has loaded the group's commits: wait until they are read.
      const back = await waitFor(async () => {
        const { snapshot } = await timed(collector);
        return snapshot.ok && collectedLag(snapshot, groupId, topic) !== undefined && snapshot;
      }, { timeoutMs: 60_000, intervalMs: 250, description: "a good collection of the group's commits after the restart" });
      expect(collectedLag(back, groupId, topic)?.map((p) => p.lag)).toEqual([6, 0]);
    }
  });
});
