import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fetchGroupTopicOffsets, summarizeLag, verifyTopic } from '@lagscale/kafka-core';
import { TestKafka, waitFor, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { killWorkerProcesses, passThroughScenario, startWorkerProcess, topicRecordCount } from '../test-support/worker-process.js';

const RECORDS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

describe('consumer-worker: rebalance during load', () => {
  const t = new TestKafka();
  afterEach(() => killWorkerProcesses());
  afterAll(() => t.cleanup());

  it('a second member joins and later leaves mid-stream: nothing lost, committed offsets never move backwards', { timeout: 240_000 }, async () => {
    const { topic, outputTopic, groupId, producerId, flags } = await passThroughScenario(t, 'cw-rebalance', RECORDS, {
      'max-uncommitted-records': 2_000,
      'commit-interval-ms': 200,
      'shutdown-timeout-ms': SHUTDOWN_TIMEOUT_MS,
      'session-timeout-ms': 10_000,
    });

    // Every ~100 ms: each partition's committed offset, which must never decrease.
    const backwards: string[] = [];
    const last = new Map<number, number>();
    let polls = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const o of await fetchGroupTopicOffsets(t.admin, groupId, topic)) {
          if (o.committed === null) continue;
          const committed = Number(o.committed);
          const before = last.get(o.partition);
          if (before !== undefined && committed < before) backwards.push(`partition ${o.partition}: ${before} → ${committed}`);
          last.set(o.partition, committed);
        }
        polls += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    try {
      const first = await startWorkerProcess(flags);
      await waitFor(async () => (await topicRecordCount(t, outputTopic)) > 10_000, { timeoutMs: 90_000, description: '> 10,000 outputs before the second member joins' });
      const second = await startWorkerProcess(flags);
      const atJoin = await topicRecordCount(t, outputTopic);
      // Both members work (the group rebalanced and moved on) before the second one leaves.
      await waitFor(async () => (await topicRecordCount(t, outputTopic)) > atJoin + 10_000, { timeoutMs: 90_000, description: '10,000 more outputs with two members' });
      const left = await second.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000);
      expect(left.code, second.output()).toBe(0);
      expect(summarizeLag(await fetchGroupTopicOffsets(t.admin, groupId, topic), 'earliest').totalLag, 'the second member left mid-stream').toBeGreaterThan(0);

      await waitForGroupCaughtUp(t.admin, groupId, topic, {
        timeoutMs: 150_000,
        intervalMs: 250,
        description: 'the first member to commit every record',
      });
      expect((await first.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000)).code, first.output()).toBe(0);
    } finally {
      polling = false;
      await poller;
    }

    expect(backwards).toEqual([]);
    expect(polls).toBeGreaterThan(10);
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    expect(offsets.map((o) => o.committed)).toEqual(offsets.map((o) => o.end));
    // At-least-once: every committed offset is at the end and no sequence number is missing from
    // the output, so no commit ever passed a record that was not processed (its output produced).
    const report = await verifyTopic(t.kafka, { topic: outputTopic, expected: { [producerId]: RECORDS }, timeoutMs: 90_000 });
    expect(report.totals).toMatchObject({ seen: RECORDS, gaps: 0, unsequenced: 0, shortfall: 0 });
    console.log(`rebalance: ${polls} offset polls, duplicates ${report.totals.duplicates}, key order violations (redeliveries) ${report.totals.keyOrderViolations}`);
  });
});
