import { describe, expect, it } from 'vitest';
import { createRegistry } from '@lagscale/kafka-core';
import type { DispatcherStats } from '../dispatch/index.js';
import { BucketCounts } from '@lagscale/kafka-core/thread';
import { END_TO_END_SECONDS_BUCKETS, HANDLER_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { WORKER_METRICS } from '../metrics/metric-names.js';
import { registerWorkerMetrics } from './worker-metrics.js';

const dispatcherStats: DispatcherStats = {
  uncommittedRecords: 20,
  uncommittedBytes: 2_000,
  pendingRecords: 12,
  trackedPartitions: 3,
  pausedPartitions: 1,
  runningChunks: 2,
  executorQueuedChunks: 1,
  chunksStarted: 40,
  chunkQueueWaitMsTotal: 80,
  processed: 1_000,
  failed: 7,
  retries: 5,
  deadLettered: 2,
  chunkCrashes: 1,
  produceErrors: 0,
};

describe('registerWorkerMetrics', () => {
  async function scrape() {
    const registry = createRegistry({ app: 'test', defaultMetrics: false });
    const handlerSeconds = new BucketCounts(HANDLER_SECONDS_BUCKETS);
    handlerSeconds.observe(0.000_02, 990);
    handlerSeconds.observe(0.2, 10);
    const endToEnd = new BucketCounts(END_TO_END_SECONDS_BUCKETS);
    endToEnd.observe(0.03, 1_002);
    registerWorkerMetrics(registry, {
      dispatcher: () => dispatcherStats,
      pool: () => undefined,
      consumed: () => 1_020,
      outputs: () => 0,
      commits: () => 4,
      commitLag: () => 20,
      assignedPartitions: () => 3,
      poolBusyMs: () => 1_500,
      handlerSeconds: () => handlerSeconds.snapshot(),
      endToEndSeconds: () => endToEnd.snapshot(),
    });
    return registry.metrics();
  }

  it('exports every metric of the design list under its name', async () => {
    const text = await scrape();
    for (const name of Object.values(WORKER_METRICS)) expect(text).toContain(`# TYPE ${name} `);
  });

  it('exports the handler time measured in the worker threads as a histogram with its counts', async () => {
    const text = await scrape();
    const name = WORKER_METRICS.processingLatency;
    expect(text).toContain(`# TYPE ${name} histogram`);
    expect(text).toContain(`${name}_bucket{le="0.00005",app="test"} 990`);
    expect(text).toContain(`${name}_bucket{le="0.5",app="test"} 1000`);
    expect(text).toContain(`${name}_count{app="test"} 1000`);
    expect(text).toMatch(new RegExp(`${name}_sum\\{app="test"\\} 2\\.0198`));
  });

  it('exports the fetch-to-done time as a histogram and the failure and retry counters', async () => {
    const text = await scrape();
    expect(text).toContain(`${WORKER_METRICS.endToEndLatency}_bucket{le="0.05",app="test"} 1002`);
    expect(text).toContain(`${WORKER_METRICS.endToEndLatency}_count{app="test"} 1002`);
    expect(text).toContain(`${WORKER_METRICS.failed}{app="test"} 7`);
    expect(text).toContain(`${WORKER_METRICS.retried}{app="test"} 5`);
    expect(text).toContain(`${WORKER_METRICS.commitLag}{app="test"} 20`);
    expect(text).toContain(`${WORKER_METRICS.poolBusy}{app="test"} 1.5`);
  });
});
