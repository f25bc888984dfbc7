import { Counter, Gauge, Histogram, type Registry } from '@lagscale/kafka-core';
import type { ScalingDecision, Snapshot } from '../model/index.js';
import { COLLECTION_DURATION_BUCKETS_SECONDS, METRIC_LABELS as L, METRIC_NAMES as M } from './metric-names.js';
import type { MonitorView, ScalingView } from './monitor-view.js';
import { ChunkPool, renderSeriesChunks, type PartitionSeries } from './series-text.js';

/** What /metrics renders: the monitor view /status renders too (only the fields read here). */
export type ExportInput = Pick<MonitorView, 'snapshot' | 'views'> & { scaling?: Pick<ScalingView, 'groupId' | 'current' | 'desired' | 'decision'> };

export interface LagExporter {
  /** Call once per cycle. Calling again with the same snapshot (or decision) does not count it twice. */
  update(input: ExportInput): void;
  /**
   * The body of /metrics in chunks: the registry's text (prom-client), then the broker-derived
   * series rendered from the latest input as UTF-8 Buffers (series-text.ts), which a stream
   * sends without another copy. Nothing is kept between scrapes.
   */
  chunks(): AsyncGenerator<string | Buffer>;
  /**
   * Takes back a Buffer chunk once the socket has taken it: later chunks are written into it
   * (kafka-core's ReusableChunks). Only for a chunk nothing reads any more.
   */
  release(chunk: Buffer): void;
  /** The same body as one string (tests, benchmarks). */
  text(): Promise<string>;
}

export interface LagExporterOptions {
  /** The registry's default labels (createRegistry's `app`), written on the rendered series too. */
  defaultLabels?: Readonly<Record<string, string>>;
  /** Per group-partition families: all, or kafka_exporter's offsets only (default all). */
  partitionSeries?: PartitionSeries;
}

/**
 * Registers every lag-monitor series: the small ones (collection, replicas, decisions) on the
 * prom-client registry, the broker-derived ones (per group, topic and partition) rendered as
 * text at scrape time from the latest cycle.
 *
 * Cost at scale: `update()` only records the input and moves the small series; a scrape renders
 * the per-partition text once, in chunks, from the views (no per-series objects kept), so a
 * cycle nobody scrapes costs nothing. See bench/metrics-render.bench.ts and decision 0022.
 */
export function createLagExporter(registry: Registry, options: LagExporterOptions = {}): LagExporter {
  const registers = [registry];
  let latest: ExportInput | undefined;
  const defaultLabels = options.defaultLabels ?? {};
  // Chunk Buffers the ops server hands back after sending: a scrape reuses a few instead of
  // allocating ~2,400 at 5,000 × 50 (decision 0025).
  const pool = new ChunkPool();

  const up = new Gauge({ name: M.up, help: '1 when the last collection reached the broker, else 0', registers });
  const duration = new Histogram({
    name: M.collectionDuration,
    help: 'Time one collection cycle took, seconds',
    buckets: COLLECTION_DURATION_BUCKETS_SECONDS,
    registers,
  });
  const errors = new Counter({
    name: M.collectionErrors,
    help: 'Things collection cycles could not read, by scope (broker, group, topic) and error code',
    labelNames: [L.scope, L.code],
    registers,
  });
  const lastErrors = new Gauge({
    name: M.lastCollectionErrors,
    help: 'Errors of the last collection cycle, per scope, group, topic and code ("" when not about one)',
    labelNames: [L.scope, L.group, L.topic, L.code],
    registers,
  });
  const lastCollection = new Gauge({ name: M.lastCollectionTimestamp, help: 'Start of the last collection cycle, seconds since epoch', registers });
  const lastSuccess = new Gauge({ name: M.lastSuccessTimestamp, help: 'Start of the last collection cycle that reached the broker, seconds since epoch', registers });
  const desired = new Gauge({ name: M.desiredReplicas, help: 'Replicas the scaling policy asks for', labelNames: [L.group], registers });
  const current = new Gauge({ name: M.currentReplicas, help: 'Replicas the actuator runs', labelNames: [L.group], registers });
  const decisions = new Counter({
    name: M.scalingDecisions,
    help: 'Scaling decisions, by action (scale-up, scale-down, hold) and the rule that settled them',
    labelNames: [L.group, L.action, L.reason],
    registers,
  });

  let countedSnapshot: Snapshot | undefined;
  let countedDecision: ScalingDecision | undefined;

  function countCollection(snapshot: Snapshot): void {
    if (snapshot === countedSnapshot) return;
    countedSnapshot = snapshot;
    duration.observe(snapshot.durationMs / 1000);
    lastCollection.set(snapshot.atMs / 1000);
    if (snapshot.ok) lastSuccess.set(snapshot.atMs / 1000);
    lastErrors.reset();
    for (const e of snapshot.errors) {
      errors.inc({ scope: e.scope, code: e.code });
      lastErrors.inc({ scope: e.scope, consumergroup: e.groupId ?? '', topic: e.topic ?? '', code: e.code });
    }
  }

  function updateScaling(scaling: NonNullable<ExportInput['scaling']>): void {
    // One scaled group per monitor: reset so a renamed group leaves no stale series.
    desired.reset();
    current.reset();
    desired.set({ consumergroup: scaling.groupId }, scaling.desired);
    current.set({ consumergroup: scaling.groupId }, scaling.current);
    const decision = scaling.decision;
    if (decision !== undefined && decision !== countedDecision) {
      countedDecision = decision;
      decisions.inc({ consumergroup: scaling.groupId, action: decision.action, reason: decision.reason });
    }
  }

  return {
    update(input) {
      up.set(input.snapshot.ok ? 1 : 0);
      countCollection(input.snapshot);
      // Without a scaling block the replica gauges keep their last values (no actuator read).
      if (input.scaling !== undefined) updateScaling(input.scaling);
      latest = input;
    },
    async *chunks() {
      // Taken before the registry renders: a cycle ending meanwhile does not mix two cycles.
      const input = latest;
      yield await registry.metrics();
      if (input !== undefined) yield* renderSeriesChunks(input, defaultLabels, options.partitionSeries ?? 'all', pool);
    },
    release(chunk) {
      pool.release(chunk);
    },
    async text() {
      let body = '';
      // Every chunk ends at a line, so none splits a UTF-8 character.
      for await (const chunk of this.chunks()) body += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      return body;
    },
  };
}
