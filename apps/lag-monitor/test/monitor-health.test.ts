// Health verdicts from real consumers: one that stays in its group but stops committing (STALL)
// and one that leaves (STOP), while records keep arriving.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import type { Consumer, Producer } from 'kafkajs';
import { startMonitor, type TestMonitor } from './monitor-helpers.js';

describe('health of real consumer groups', () => {
  const t = new TestKafka();
  let producer: Producer;
  let topic: string;
  let producing = true;
  let feeding: Promise<void>;
  let monitor: TestMonitor | undefined;

  beforeAll(async () => {
    await t.connect();
    topic = await t.createTopic({ partitions: 2, prefix: 'health' });
    producer = await t.producer();
    // A steady trickle, so a consumer that stops committing builds lag.
    feeding = (async () => {
      for (let i = 0; producing && i < 2_000; i += 1) {
        await producer.send({ topic, messages: [{ key: `k${i % 4}`, value: String(i) }, { key: `k${(i + 1) % 4}`, value: String(i) }] });
        await sleep(50);
      }
    })();
  });

  afterAll(async () => {
    producing = false;
    await feeding;
    await monitor?.service.stop();
    await t.cleanup();
  });

  /** A consumer that commits what it reads until `stall()`; then it stays in the group, heartbeating, without committing. */
  async function startConsumer(groupId: string): Promise<{ consumer: Consumer; stall: () => void; read: () => number }> {
    const consumer = t.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
    let stalled = false;
    let read = 0;
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 200,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning }) => {
        while (stalled && isRunning()) {
          await heartbeat();
          await sleep(200);
        }
        for (const message of batch.messages) {
          resolveOffset(message.offset);
          read += 1;
        }
      },
    });
    return { consumer, stall: () => { stalled = true; }, read: () => read };
  }

  it('reports STALL for a member that stops committing and STOP for a group whose members left', async () => {
    const stalledGroup = t.groupId('stalled');
    const stoppedGroup = t.groupId('stopped');
    const healthyGroup = t.groupId('healthy');
    const stalled = await startConsumer(stalledGroup);
    const stopped = await startConsumer(stoppedGroup);
    await startConsumer(healthyGroup);
    await waitFor(() => stalled.read() > 10 && stopped.read() > 10, { timeoutMs: 30_000, description: 'the consumers to read' });

    monitor = await startMonitor({ LAG_MONITOR_GROUPS: [stalledGroup, stoppedGroup, healthyGroup].join(','), LAG_MONITOR_TOPICS: topic });
    await monitor.until((c) => c.views.some((v) => v.groupId === healthyGroup && v.members === 1));

    stalled.stall();
    await stopped.consumer.disconnect();

    const cycle = await monitor.until((c) => {
      const health = (g: string) => c.views.find((v) => v.groupId === g)?.health;
      return health(stalledGroup) === 'STALL' && health(stoppedGroup) === 'STOP';
    }, 40_000);
    const byGroup = new Map(cycle.views.map((v) => [v.groupId, v]));
    expect(byGroup.get(stalledGroup)?.members).toBe(1);
    expect(byGroup.get(stoppedGroup)?.members).toBe(0);
    for (const p of byGroup.get(stalledGroup)?.partitions ?? []) {
      if (p.lag > 0) expect(p.health).toBe('STALL');
    }
    for (const p of byGroup.get(stoppedGroup)?.partitions ?? []) {
      if (p.lag > 0) expect(p.health).toBe('STOP');
    }
    // The healthy group keeps up: never stalled or stopped.
    expect(['OK', 'WARN']).toContain(byGroup.get(healthyGroup)?.health);
    expect(byGroup.get(healthyGroup)?.partitions.every((p) => p.health !== 'STALL' && p.health !== 'STOP')).toBe(true);
  });
});
