import { Counter, Gauge, SnapshotHistogram, type Registry } from '@lagscale/kafka-core';
import type { DispatcherStats } from '../dispatch/index.js';
import type { WorkerPoolStats } from '../pool/index.js';
import type { BucketSnapshot } from '@lagscale/kafka-core/thread';
import { WORKER_METRICS } from '../metrics/metric-names.js';

export interface WorkerMetricsSource {
  /** The handler's name, a label of the processing latency (one handler per process). */
  handler: string;
  dispatcher(): DispatcherStats;
  pool(): WorkerPoolStats | undefined;
  consumed(): number;
  outputs(): number;
  commits(): number;
  /** Offsets fetched past the last commit, over the partitions owned. */
  commitLag(): number;
  /** Partitions the group assigned to this member. */
  assignedPartitions(): number;
  /** Thread time spent running chunks, summed over the threads, ms. */
  poolBusyMs(): number;
  /** Handler time per record, counted in the worker threads (the pool's). */
  handlerSeconds(): BucketSnapshot;
  /** Fetch → done time of completed records (the dispatcher's). */
  endToEndSeconds(): BucketSnapshot;
}

/**
 * Registers the consumer's series; values are read from the dispatcher and pool at scrape time
 * (counters advance by the delta since the last scrape), so the hot path pays nothing for them.
 */
export function registerWorkerMetrics(registry: Registry, source: WorkerMetricsSource): void {
  const registers = [registry];
  const counter = (name: string, help: string, read: () => number) => {
    let last = 0;
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = read();
        if (now > last) this.inc(now - last);
        last = now;
      },
    });
  };
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });

  counter(WORKER_METRICS.consumed, 'Records fetched and handed to the dispatcher', source.consumed);
  counter(WORKER_METRICS.processed, 'Records whose processing completed (outputs acknowledged)', () => source.dispatcher().processed);
  counter(WORKER_METRICS.failed, 'Failed handler attempts (each is retried or dead-lettered)', () => source.dispatcher().failed);
  counter(WORKER_METRICS.retried, 'Handler retries', () => source.dispatcher().retries);
  counter(WORKER_METRICS.deadLettered, 'Records sent to the dead-letter topic', () => source.dispatcher().deadLettered);
  counter(WORKER_METRICS.chunkCrashes, 'Chunks whose worker thread died', () => source.dispatcher().chunkCrashes);
  counter(WORKER_METRICS.outputs, 'Output records produced', source.outputs);
  counter(WORKER_METRICS.commits, 'Offset commits', source.commits);
  gauge(WORKER_METRICS.uncommittedRecords, 'Records fetched and not yet committable, done or not (what a crash would redeliver; backpressure bounds it)', () => source.dispatcher().uncommittedRecords);
  gauge(WORKER_METRICS.uncommittedBytes, 'Key and value bytes of the uncommitted records', () => source.dispatcher().uncommittedBytes);
  gauge(WORKER_METRICS.pendingRecords, 'Records fetched and not done yet: waiting for a thread, running, retrying or producing outputs', () => source.dispatcher().pendingRecords);
  gauge(WORKER_METRICS.pausedPartitions, 'Partitions paused by backpressure', () => source.dispatcher().pausedPartitions);
  gauge(WORKER_METRICS.assignedPartitions, 'Partitions the group assigned to this member', source.assignedPartitions);
  gauge(WORKER_METRICS.poolThreads, 'Live worker threads', () => source.pool()?.threads ?? 0);
  counter(WORKER_METRICS.poolThreadRestarts, 'Worker threads started to replace one that died', () => source.pool()?.threadRestarts ?? 0);
  gauge(WORKER_METRICS.poolQueuedChunks, 'Chunks waiting for a worker thread', () => source.dispatcher().executorQueuedChunks);
  gauge(WORKER_METRICS.poolUtilization, `Share of the worker threads' time spent running chunks since start (0–1); now: rate(${WORKER_METRICS.poolBusy}) / threads`, () => source.pool()?.utilization ?? 0);
  counter(WORKER_METRICS.poolBusy, 'Time the worker threads spent running chunks, summed over threads (s)', () => source.poolBusyMs() / 1000);
  gauge(WORKER_METRICS.poolWaitTime, 'Mean time a chunk waited for a thread (s)', () => (source.pool()?.waitTime.mean ?? 0) / 1000);
  gauge(WORKER_METRICS.commitLag, 'Offsets fetched past the last commit (next to fetch − committed), over the partitions owned', source.commitLag);
  new SnapshotHistogram({
    name: WORKER_METRICS.processingLatency,
    help: 'Handler time per record, measured in the worker thread (s)',
    read: source.handlerSeconds,
    labels: { handler: source.handler },
    registers,
  });
  new SnapshotHistogram({
    name: WORKER_METRICS.endToEndLatency,
    help: 'Time from fetch to completion per record, retries and output produce included (s)',
    read: source.endToEndSeconds,
    registers,
  });
}
