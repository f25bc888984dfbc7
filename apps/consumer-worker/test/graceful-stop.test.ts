import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fetchGroupTopicOffsets, summarizeLag, verifyTopic } from '@lagscale/kafka-core';
import { TestKafka, waitFor, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { killWorkerProcesses, passThroughScenario, startWorkerProcess, topicRecordCount } from '../test-support/worker-process.js';

const RECORDS = 30_000;
const MAX_UNCOMMITTED = 2_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

describe('consumer-worker: graceful stop', () => {
  const t = new TestKafka();
  afterEach(() => killWorkerProcesses());
  afterAll(() => t.cleanup());

  it('SIGTERM mid-stream exits 0 within the deadline; a second process continues with no gap', { timeout: 180_000 }, async () => {
    const { topic, outputTopic, groupId, producerId, flags } = await passThroughScenario(t, 'cw-sigterm', RECORDS, {
      'max-uncommitted-records': MAX_UNCOMMITTED,
      'commit-interval-ms': 200,
      'shutdown-timeout-ms': SHUTDOWN_TIMEOUT_MS,
      'session-timeout-ms': 10_000,
    });

    const first = await startWorkerProcess(flags);
    await waitFor(async () => (await topicRecordCount(t, outputTopic)) > 3_000, { timeoutMs: 60_000, description: '> 3,000 outputs from the first worker' });
    // The whole stop stays within --shutdown-timeout-ms (the process exits 3 past it); the test's
    // bound adds room for the process to start exiting on a busy machine.
    const stopped = await first.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000);
    expect(stopped.code, first.output()).toBe(0);
    expect(stopped.elapsedMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5_000);
    const afterStop = summarizeLag(await fetchGroupTopicOffsets(t.admin, groupId, topic), 'earliest').totalLag;
    expect(afterStop, 'stopped mid-stream').toBeGreaterThan(0);

    const second = await startWorkerProcess(flags);
    await waitForGroupCaughtUp(t.admin, groupId, topic, {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: 'the second worker to commit every record',
    });
    expect((await second.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000)).code, second.output()).toBe(0);

    const report = await verifyTopic(t.kafka, { topic: outputTopic, expected: { [producerId]: RECORDS }, timeoutMs: 60_000 });
    expect(report.totals).toMatchObject({ seen: RECORDS, gaps: 0, keyOrderViolations: 0, unsequenced: 0, shortfall: 0 });
    // A drained stop commits everything it finished, so a restart redoes (almost) nothing; at most
    // what was uncommitted had the commit on shutdown failed.
    expect(report.totals.duplicates).toBeLessThanOrEqual(MAX_UNCOMMITTED);
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    expect(offsets.map((o) => o.committed)).toEqual(offsets.map((o) => o.end));
  });
});
