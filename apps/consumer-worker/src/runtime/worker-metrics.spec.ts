import { describe, expect, it } from 'vitest';
import { createRegistry } from '@lagscale/kafka-core';
import type { DispatcherStats } from '../dispatch/index.js';
import type { WorkerPoolStats } from '../pool/index.js';
import { BucketCounts } from '@lagscale/kafka-core/thread';
import { END_TO_END_SECONDS_BUCKETS, HANDLER_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { WORKER_METRICS } from '../metrics/metric-names.js';
import { registerWorkerMetrics, type TopicSeries } from './worker-metrics.js';

const dispatcherStats: DispatcherStats = {
  uncommittedRecords: 20,
  uncommittedBytes: 2_000,
  pendingRecords: 12,
  trackedPartitions: 3,
  pausedPartitions: 1,
  runningChunks: 2,
  chunkSize: 256,
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

const pool: WorkerPoolStats = {
  threads: 2,
  threadRestarts: 3,
  queued: 0,
  utilization: 0.5,
  completed: 10,
  waitTime: { mean: 0, p50: 0, p99: 0, max: 0 },
  runTime: { mean: 0, p50: 0, p99: 0, max: 0 },
};

const topic = (over: Partial<TopicSeries>): TopicSeries => ({
  consumed: 0,
  processed: 0,
  deadLettered: 0,
  outputs: 0,
  uncommittedRecords: 0,
  pendingRecords: 0,
  pausedPartitions: 0,
  assignedPartitions: 0,
  commitLag: 0,
  ...over,
});

describe('registerWorkerMetrics', () => {
  async function scrape() {
    const registry = createRegistry({ app: 'test', defaultMetrics: false });
    const handlerSeconds = new BucketCounts(HANDLER_SECONDS_BUCKETS);
    handlerSeconds.observe(0.000_02, 990);
    handlerSeconds.observe(0.2, 10);
    const endToEnd = new BucketCounts(END_TO_END_SECONDS_BUCKETS);
    endToEnd.observe(0.03, 1_002);
    registerWorkerMetrics(registry, {
      handler: 'noop',
      dispatcher: () => dispatcherStats,
      pool: () => pool,
      topics: () => new Map([['t', topic({ consumed: 1_020, commitLag: 20, assignedPartitions: 3 })]]),
      commits: () => 4,
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
    expect(text).toContain(`${name}_bucket{handler="noop",le="0.00005",app="test"} 990`);
    expect(text).toContain(`${name}_bucket{handler="noop",le="0.5",app="test"} 1000`);
    expect(text).toContain(`${name}_count{handler="noop",app="test"} 1000`);
    expect(text).toMatch(new RegExp(`${name}_sum\\{handler="noop",app="test"\\} 2\\.0198`));
  });

  it('exports the fetch-to-done time as a histogram and the failure and retry counters', async () => {
    const text = await scrape();
    expect(text).toContain(`${WORKER_METRICS.endToEndLatency}_bucket{le="0.05",app="test"} 1002`);
    expect(text).toContain(`${WORKER_METRICS.endToEndLatency}_count{app="test"} 1002`);
    expect(text).toContain(`${WORKER_METRICS.failed}{app="test"} 7`);
    expect(text).toContain(`${WORKER_METRICS.retried}{app="test"} 5`);
    expect(text).toContain(`${WORKER_METRICS.commitLag}{topic="t",app="test"} 20`);
    expect(text).toContain(`${WORKER_METRICS.poolBusy}{app="test"} 1.5`);
  });

  it('exports the live threads and the threads started to replace one that died', async () => {
    const text = await scrape();
    expect(text).toContain(`${WORKER_METRICS.poolThreads}{app="test"} 2`);
    expect(text).toContain(`${WORKER_METRICS.poolThreadRestarts}{app="test"} 3`);
  });

  it('carries the labels the registry was made with (a consumer: its group and topic) on every series', async () => {
    const registry = createRegistry({ app: 'consumer-worker', defaultMetrics: false, labels: { consumergroup: 'g', topic: 't' } });
    registerWorkerMetrics(registry, {
      handler: 'noop',
      dispatcher: () => dispatcherStats,
      pool: () => pool,
      topics: () => new Map([['t', topic({ consumed: 1 })]]),
      commits: () => 0,
      poolBusyMs: () => 0,
      handlerSeconds: () => new BucketCounts(HANDLER_SECONDS_BUCKETS).snapshot(),
      endToEndSeconds: () => new BucketCounts(END_TO_END_SECONDS_BUCKETS).snapshot(),
    });
    const text = await registry.metrics();
    expect(text).toContain(`${WORKER_METRICS.consumed}{topic="t",consumergroup="g",app="consumer-worker"} 1`);
    expect(text).toContain(`${WORKER_METRICS.processingLatency}_count{handler="noop",consumergroup="g",topic="t",app="consumer-worker"} 0`);
  });

  it('labels the per-topic series by each input topic (a pattern subscription), counters only moving forward', async () => {
    const registry = createRegistry({ app: 'consumer-worker', defaultMetrics: false, labels: { consumergroup: 'g' } });
    let topics = new Map([
      ['orders-eu', topic({ consumed: 10, processed: 8, deadLettered: 1, outputs: 8, uncommittedRecords: 2, assignedPartitions: 2 })],
      ['orders-us', topic({ consumed: 5, processed: 5, assignedPartitions: 1 })],
    ]);
    registerWorkerMetrics(registry, {
      handler: 'noop',
      dispatcher: () => dispatcherStats,
      pool: () => pool,
      topics: () => topics,
      commits: () => 0,
      poolBusyMs: () => 0,
      handlerSeconds: () => new BucketCounts(HANDLER_SECONDS_BUCKETS).snapshot(),
      endToEndSeconds: () => new BucketCounts(END_TO_END_SECONDS_BUCKETS).snapshot(),
    });
    let text = await registry.metrics();
    expect(text).toContain(`${WORKER_METRICS.consumed}{topic="orders-eu",consumergroup="g",app="consumer-worker"} 10`);
    expect(text).toContain(`${WORKER_METRICS.consumed}{topic="orders-us",consumergroup="g",app="consumer-worker"} 5`);
    expect(text).toContain(`${WORKER_METRICS.deadLettered}{topic="orders-eu",consumergroup="g",app="consumer-worker"} 1`);
    expect(text).toContain(`${WORKER_METRICS.assignedPartitions}{topic="orders-eu",consumergroup="g",app="consumer-worker"} 2`);
    expect(text).toContain(`${WORKER_METRICS.poolThreads}{consumergroup="g",app="consumer-worker"} 2`);
    topics = new Map([
      ['orders-eu', topic({ consumed: 12, processed: 12 })],
      ['orders-us', topic({ consumed: 5, processed: 5 })],
    ]);
    text = await registry.metrics();
    expect(text).toContain(`${WORKER_METRICS.consumed}{topic="orders-eu",consumergroup="g",app="consumer-worker"} 12`);
    expect(text).toContain(`${WORKER_METRICS.assignedPartitions}{topic="orders-eu",consumergroup="g",app="consumer-worker"} 0`);
  });
});
