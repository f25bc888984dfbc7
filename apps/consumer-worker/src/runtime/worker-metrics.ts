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
  /** The series that belong to one input topic, by topic (labelled `topic`: with a pattern, one per matched topic). */
  topics(): ReadonlyMap<string, TopicSeries>;
  commits(): number;
  /** Thread time spent running chunks, summed over the threads, ms. */
  poolBusyMs(): number;
  /** Handler time per record, counted in the worker threads (the pool's). */
  handlerSeconds(): BucketSnapshot;
  /** Fetch → done time of completed records (the dispatcher's). */
  endToEndSeconds(): BucketSnapshot;
}

/** One input topic's numbers; counters count since start. */
export interface TopicSeries {
  consumed: number;
  processed: number;
  deadLettered: number;
  outputs: number;
  uncommittedRecords: number;
  pendingRecords: number;
  pausedPartitions: number;
  /** Partitions of the topic the group assigned to this member. */
  assignedPartitions: number;
  /** Offsets fetched past the last commit, over the topic's partitions owned. */
  commitLag: number;
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

  // Per input topic: the `topic` label is the record's topic (it overrides a registry default).
  const topicCounter = (name: string, help: string, read: (t: TopicSeries) => number) => {
    const last = new Map<string, number>();
    new Counter({
      name,
      help,
      labelNames: ['topic'],
      registers,
      collect() {
        for (const [topic, series] of source.topics()) {
          const now = read(series);
          const before = last.get(topic) ?? 0;
          if (now > before || !last.has(topic)) this.inc({ topic }, Math.max(0, now - before));
          last.set(topic, now);
        }
      },
    });
  };
  const topicGauge = (name: string, help: string, read: (t: TopicSeries) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['topic'],
      registers,
      collect() {
        this.reset();
        for (const [topic, series] of source.topics()) this.set({ topic }, read(series));
      },
    });

  topicCounter(WORKER_METRICS.consumed, 'Records fetched and handed to the dispatcher', (t) => t.consumed);
  topicCounter(WORKER_METRICS.processed, 'Records whose processing completed (outputs acknowledged)', (t) => t.processed);
  counter(WORKER_METRICS.failed, 'Failed handler attempts (each is retried or dead-lettered)', () => source.dispatcher().failed);
  counter(WORKER_METRICS.retried, 'Handler retries', () => source.dispatcher().retries);
  topicCounter(WORKER_METRICS.deadLettered, 'Records sent to the dead-letter topic', (t) => t.deadLettered);
  counter(WORKER_METRICS.chunkCrashes, 'Chunks whose worker thread died', () => source.dispatcher().chunkCrashes);
  topicCounter(WORKER_METRICS.outputs, 'Output records produced (labelled by the input topic)', (t) => t.outputs);
  counter(WORKER_METRICS.commits, 'Offset commits', source.commits);
  topicGauge(WORKER_METRICS.uncommittedRecords, 'Records fetched and not yet committable, done or not (what a crash would redeliver; backpressure bounds it)', (t) => t.uncommittedRecords);
  gauge(WORKER_METRICS.uncommittedBytes, 'Key and value bytes of the uncommitted records', () => source.dispatcher().uncommittedBytes);
  topicGauge(WORKER_METRICS.pendingRecords, 'Records fetched and not done yet: waiting for a thread, running, retrying or producing outputs', (t) => t.pendingRecords);
  topicGauge(WORKER_METRICS.pausedPartitions, 'Partitions paused by backpressure', (t) => t.pausedPartitions);
  topicGauge(WORKER_METRICS.assignedPartitions, 'Partitions the group assigned to this member', (t) => t.assignedPartitions);
  gauge(WORKER_METRICS.poolThreads, 'Live worker threads', () => source.pool()?.threads ?? 0);
  counter(WORKER_METRICS.poolThreadRestarts, 'Worker threads started to replace one that died', () => source.pool()?.threadRestarts ?? 0);
  gauge(WORKER_METRICS.poolQueuedChunks, 'Chunks waiting for a worker thread', () => source.dispatcher().executorQueuedChunks);
  gauge(WORKER_METRICS.poolUtilization, `Share of the worker threads' time spent running chunks since start (0–1); now: rate(${WORKER_METRICS.poolBusy}) / threads`, () => source.pool()?.utilization ?? 0);
  counter(WORKER_METRICS.poolBusy, 'Time the worker threads spent running chunks, summed over threads (s)', () => source.poolBusyMs() / 1000);
  gauge(WORKER_METRICS.poolWaitTime, 'Mean time a chunk waited for a thread (s)', () => (source.pool()?.waitTime.mean ?? 0) / 1000);
  topicGauge(WORKER_METRICS.commitLag, 'Offsets fetched past the last commit (next to fetch − committed), over the partitions owned', (t) => t.commitLag);
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
