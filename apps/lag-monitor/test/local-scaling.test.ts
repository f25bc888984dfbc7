// The local actuator end to end: a backlog on a 4-partition topic scales real consumer-worker
// processes from 1 to 4 (the partition count, never 5 even though the formula and max allow
// more), the backlog drains, the fleet scales down after the stabilisation window, and the
// sequence verifier finds every record on the output topic.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTopic } from '@lagscale/kafka-core/sequence';
import { produceSequenced, TestKafka, testBrokers } from '@lagscale/kafka-core/testing';
import { consumerWorkerCommand, createLocalActuator } from '../src/actuators/index.js';
import type { Actuator } from '../src/model/index.js';
import type { CycleResult } from '../src/runtime/monitor-service.js';
import { startMonitor, type TestMonitor } from './monitor-helpers.js';

const RECORDS = 20_000;
const PARTITIONS = 4;
const LAG_PER_REPLICA = 1_000;
const STABILIZATION_MS = 4_000;

describe('local actuator: scaling consumer-worker processes on lag', () => {
  const t = new TestKafka();
  let monitor: TestMonitor | undefined;
  let actuator: Actuator | undefined;
  let topic: string;
  let outputTopic: string;
  let groupId: string;
  let live = 0;
  let peakLive = 0;

  beforeAll(async () => {
    await t.connect();
    topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'local-scale' });
    outputTopic = `${topic}.out`;
    t.adopt(outputTopic, `${topic}.dlq`);
    groupId = t.groupId('local-scale');
    await produceSequenced(t, topic, RECORDS, 200, 'local-scale');
  });

  afterAll(async () => {
    await monitor?.service.stop();
    await actuator?.stop();
    await t.cleanup();
  });

  it('scales 1 → 4 (never 5), drains, scales down after the window, loses nothing', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'local-scaling-'));
    const { command, args } = consumerWorkerCommand();
    actuator = createLocalActuator({
      command,
      args,
      env: () => ({
        KAFKA_BROKERS: testBrokers().join(','),
        CONSUMER_TOPIC: topic,
        CONSUMER_GROUP_ID: groupId,
        CONSUMER_OUTPUT_TOPIC: outputTopic,
        CONSUMER_HANDLER: 'io-wait',
        CONSUMER_HANDLER_OPTIONS: 'waitMs=0,jitterMs=1',
        CONSUMER_THREADS: '1',
        CONSUMER_METRICS_PORT: '0',
        CONSUMER_PROGRESS_INTERVAL_MS: '0',
        CONSUMER_COMMIT_INTERVAL_MS: '300',
        CONSUMER_SESSION_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'warn',
      }),
      stopTimeoutMs: 20_000,
      logDir,
      onEvent: (event) => {
        if (event.type === 'started') live += 1;
        else live -= 1;
        peakLive = Math.max(peakLive, live);
      },
    });
    await actuator.scale(1);

    monitor = await startMonitor(
      {
        LAG_MONITOR_GROUPS: groupId,
        LAG_MONITOR_TOPICS: topic,
        LAG_MONITOR_SCALE_GROUP: groupId,
        LAG_MONITOR_SCALE_MODE: 'lag',
        // 20,000 lag at 1,000 per replica asks for 20; max 10; the 4 partitions cap it at 4.
        LAG_MONITOR_LAG_PER_REPLICA: String(LAG_PER_REPLICA),
        LAG_MONITOR_MIN_REPLICAS: '1',
        LAG_MONITOR_MAX_REPLICAS: '10',
        LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: String(STABILIZATION_MS),
        LAG_MONITOR_INTERVAL_MS: '500',
        LAG_MONITOR_WINDOW_MS: '3000',
      },
      { actuator },
    );

    const up = await monitor.until((c) => c.scaling?.decision.desired === PARTITIONS, 30_000);
    expect(up.scaling?.decision.reason).toBe('partition-cap');
    expect(up.scaling?.decision.recommended).toBeGreaterThan(PARTITIONS);
    const lagOf = (c: CycleResult) => c.views.find((v) => v.groupId === groupId)?.totalLag;
    await monitor.until((c) => lagOf(c) === 0 && c.snapshot.ok, 120_000);
    await monitor.until((c) => c.scaling?.current === 1, 60_000);

    const decisions = monitor.cycles.flatMap((c) => (c.scaling === undefined ? [] : [c.scaling.decision]));
    expect(Math.max(...decisions.map((d) => d.desired))).toBe(PARTITIONS);
    expect(peakLive).toBe(PARTITIONS);
    // Scale-down waited for the window: the first decision below 4 came only after the last
    // recommendation of 4 had aged out.
    const firstDown = decisions.find((d) => d.action === 'scale-down');
    const lastFour = [...decisions].reverse().find((d) => d.recommended >= PARTITIONS && d.atMs < (firstDown?.atMs ?? 0));
    expect((firstDown?.atMs ?? 0) - (lastFour?.atMs ?? 0)).toBeGreaterThanOrEqual(STABILIZATION_MS);
    // Each step down, to 1 included, came at least the window after the last cycle whose lag asked
    // for more than the step's target (over LAG_PER_REPLICA a replica). The window runs from there,
    // not from lag 0: while the last records drain, cycles may still ask for 3, so a step to 3 can
    // follow lag 0 by less. Holds for a rebalance or a failed collection leave the window alone.
    const windowed = monitor.cycles.filter((c) => c.snapshot.ok && c.scaling !== undefined && !['rebalancing', 'collection-failed'].includes(c.scaling.decision.reason));
    const steps = decisions.filter((d) => d.action === 'scale-down');
    expect(steps.map((d) => d.desired)).toContain(1);
    for (const step of steps) {
      const lastAskingMore = windowed.findLast((c) => c.snapshot.atMs < step.atMs && (lagOf(c) ?? 0) > step.desired * LAG_PER_REPLICA);
      expect(lastAskingMore, `a cycle with lag over ${step.desired * LAG_PER_REPLICA} before the step to ${step.desired}`).toBeDefined();
      expect(step.atMs - (lastAskingMore?.snapshot.atMs ?? Number.NaN), `step to ${step.desired}`).toBeGreaterThanOrEqual(STABILIZATION_MS);
    }

    await monitor.service.stop();
    await actuator.stop();
    const report = await verifyTopic(t.kafka, { topic: outputTopic, expected: { 'local-scale': RECORDS }, timeoutMs: 60_000 });
    expect(report.totals.gaps).toBe(0);
    expect(report.totals.seen).toBe(RECORDS);
  }, 240_000);
});
