import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fetchGroupTopicOffsets, summarizeLag, verifyTopic } from '@lagscale/kafka-core';
import { TestKafka, waitFor, waitForGroupCaughtUp } from '@lagscale/kafka-core/testing';
import { WORKER_METRICS } from '../src/metrics/metric-names.js';
import { killWorkerProcesses, passThroughScenario, startWorkerProcess, topicRecordCount } from '../test-support/worker-process.js';

const RECORDS = 30_000;
const MAX_UNCOMMITTED = 2_000;
const COMMIT_INTERVAL_MS = 200;

const metric = (text: string, name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('consumer-worker: crash and restart', () => {
  const t = new TestKafka();
  afterEach(() => killWorkerProcesses());
  afterAll(() => t.cleanup());

  it('SIGKILL mid-stream, then a second process: nothing lost, duplicates within the uncommitted and commit-interval bound', { timeout: 180_000 }, async () => {
    const { topic, outputTopic, groupId, producerId, flags } = await passThroughScenario(t, 'cw-crash', RECORDS, {
      'max-uncommitted-records': MAX_UNCOMMITTED,
      'commit-interval-ms': COMMIT_INTERVAL_MS,
      // The killed member never leaves: the second one waits out its session before it gets the
      // partitions, so keep the session at the broker's minimum.
      'session-timeout-ms': 6_000,
    });

    const first = await startWorkerProcess(flags);
    const startedAt = Date.now();
    await waitFor(async () => (await topicRecordCount(t, outputTopic)) > 3_000, { timeoutMs: 60_000, description: '> 3,000 outputs from the first worker' });
    const metrics = await (await fetch(`${first.metricsUrl}/metrics`)).text();
    const processedBeforeKill = metric(metrics, WORKER_METRICS.processed);
    const elapsedS = (Date.now() - startedAt) / 1_000;
    const killed = await first.stop('SIGKILL', 10_000);
    expect(killed.signal).toBe('SIGKILL');
    const atKill = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    const uncommittedAtKill = summarizeLag(atKill, 'earliest').totalLag;
    expect(uncommittedAtKill, 'killed mid-stream').toBeGreaterThan(0);

    const second = await startWorkerProcess(flags);
    await waitForGroupCaughtUp(t.admin, groupId, topic, {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: 'the second worker to commit every record',
    });
    expect((await second.stop('SIGTERM', 20_000)).code, second.output()).toBe(0);

    const report = await verifyTopic(t.kafka, { topic: outputTopic, expected: { [producerId]: RECORDS }, timeoutMs: 60_000 });
    expect(report.totals).toMatchObject({ seen: RECORDS, gaps: 0, unsequenced: 0, shortfall: 0 });
    // A duplicate is a record the first process produced output for at or past its last commit.
    // At the kill such a record was either uncommitted (≤ MAX_UNCOMMITTED: fetching stops at the
    // bound, which counts the records done above an unfinished one too) or finished after the
    // offsets of the last successful commit were taken: at most one commit interval plus that
    // commit's round trip (≤ another interval) of throughput.
    const ratePerS = processedBeforeKill / elapsedS;
    const commitWindow = Math.ceil(ratePerS * ((2 * COMMIT_INTERVAL_MS) / 1_000));
    console.log(`crash: processed ${processedBeforeKill} in ${elapsedS.toFixed(1)} s, uncommitted at kill ${uncommittedAtKill}, duplicates ${report.totals.duplicates}, bound ${MAX_UNCOMMITTED} + ${commitWindow}, uncommitted at last scrape ${metric(metrics, WORKER_METRICS.uncommittedRecords)}`);
    expect(report.totals.duplicates).toBeLessThanOrEqual(MAX_UNCOMMITTED + commitWindow);
    const offsets = await fetchGroupTopicOffsets(t.admin, groupId, topic);
    expect(offsets.map((o) => o.committed)).toEqual(offsets.map((o) => o.end));
  });
});
