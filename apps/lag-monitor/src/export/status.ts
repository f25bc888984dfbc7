import type { GroupState } from '@lagscale/kafka-core';
import { worstHealth } from '../derive/health.js';
import type { CollectionError, GroupTopicView, Health, PartitionView, ScalingDecision } from '../model/index.js';
import { jsonSeconds, type JsonSeconds, type MonitorView, type ScalingView } from './monitor-view.js';

/** The body of `GET /status`: what /metrics says, as one JSON document, plus recent decisions. */
export interface StatusDocument {
  /** Always "lag-monitor". */
  service: 'lag-monitor';
  /** When this document was built (ISO 8601). */
  generatedAt: string;
  /** When the process started (ISO 8601). */
  startedAt: string;
  uptimeSeconds: number;
  /** The latest collection cycle, ok or not; null before the first one. */
  collection: StatusCollection | null;
  /** True when the latest cycle failed: `groups` then shows the last cycle that succeeded. */
  stale: boolean;
  /** Every group watched, seen or reported in an error, sorted by id. */
  groups: StatusGroup[];
  /** Every topic read or reported in an error, sorted by name. */
  topics: StatusTopic[];
  /** The scaled group; null when the monitor only watches. */
  scaling: StatusScaling | null;
  /** Recent scaling decisions, newest first. */
  decisions: StatusDecision[];
}

export interface StatusCollection {
  /** Start of the cycle (ISO 8601) and the same in ms since epoch. */
  at: string;
  atMs: number;
  /** False when the broker could not be reached. */
  ok: boolean;
  durationMs: number;
  /** Seconds between the cycle start and `generatedAt`. */
  ageSeconds: number;
  /** Everything the cycle could not read (broker, group or topic scope). */
  errors: CollectionError[];
}

/**
 * A group's verdict: the worst of its topics, or `UNKNOWN` for a group the broker does not know
 * (no members, no committed offsets; a misspelt id), which has no lag to judge.
 */
export type GroupHealth = Health | 'UNKNOWN';

export interface StatusGroup {
  groupId: string;
  /** Kafka's group state; `Unknown` for a group the broker does not know or only known from an error. */
  state: GroupState;
  members: number;
  /** Lag summed over every topic of the group (0 for an unknown group: it has none to report). */
  totalLag: number;
  /** Worst verdict over its topics; `UNKNOWN` when the broker does not know the group. */
  health: GroupHealth;
  /** Errors of the latest cycle about this group (or one of its topics). */
  errors: CollectionError[];
  topics: StatusGroupTopic[];
}

/** One partition: times in seconds, time to drain `"+Inf"` when it never drains. */
export interface StatusPartition extends Omit<PartitionView, 'timeToDrainSeconds'> {
  timeToDrainSeconds: JsonSeconds;
}

/**
 * One topic of one group: the derived view (rates in records/s, times in seconds) plus its
 * errors. `timeToDrainSeconds` is `"+Inf"` when there is lag and nothing is consumed, the value
 * /metrics shows as +Inf (see INFINITE_SECONDS).
 */
export interface StatusGroupTopic extends Omit<GroupTopicView, 'groupId' | 'state' | 'members' | 'timeToDrainSeconds' | 'partitions'> {
  timeToDrainSeconds: JsonSeconds;
  partitions: StatusPartition[];
  /** Errors about this topic (for this group or for every group). */
  errors: CollectionError[];
}

export interface StatusTopic {
  topic: string;
  /** 0 when the topic could not be read. */
  partitionCount: number;
  errors: CollectionError[];
}

/** The scaled group: `current` is what the actuator reports after the latest cycle acted, as in lag_monitor_current_replicas. */
export type StatusScaling = Omit<ScalingView, 'decision'>;

export interface StatusDecision extends ScalingDecision {
  /** `atMs` as ISO 8601. */
  at: string;
}

/** The clock of a /status document. */
export interface StatusTimes {
  startedAtMs: number;
  nowMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
// Rates and seconds to the millisecond: more digits are noise in a status page.
const round = (value: number) => Math.round(value * 1000) / 1000;

function aboutTopic(e: CollectionError, groupId: string, topic: string): boolean {
  return e.topic === topic && (e.groupId === undefined || e.groupId === groupId);
}

function groupTopicEntry(view: GroupTopicView | undefined, topic: string, errors: CollectionError[]): StatusGroupTopic {
  if (view === undefined) {
    // Known only from an error (e.g. the topic does not exist): listed so the error is seen.
    return { topic, partitionCount: 0, totalLag: 0, partitionsWithLag: 0, uncommittedPartitions: 0, productionRate: 0, consumptionRate: 0, timeToDrainSeconds: 0, maxTimeLagSeconds: 0, health: 'OK', errors, partitions: [] };
  }
  return {
    topic,
    partitionCount: view.partitionCount,
    totalLag: view.totalLag,
    partitionsWithLag: view.partitionsWithLag,
    uncommittedPartitions: view.uncommittedPartitions,
    productionRate: round(view.productionRate),
    consumptionRate: round(view.consumptionRate),
    timeToDrainSeconds: jsonSeconds(view.timeToDrainSeconds, round),
    maxTimeLagSeconds: round(view.maxTimeLagSeconds),
    health: view.health,
    errors,
    partitions: view.partitions.map((p) => ({
      ...p,
      productionRate: round(p.productionRate),
      consumptionRate: round(p.consumptionRate),
      timeToDrainSeconds: jsonSeconds(p.timeToDrainSeconds, round),
      timeLagSeconds: round(p.timeLagSeconds),
    })),
  };
}

/**
 * Builds the /status document from the monitor view (undefined before the first cycle): the
 * latest cycle, the views of the last ok one, the scaled group and the decisions. /metrics
 * renders from the same view (createLagExporter).
 */
export function buildStatus(view: MonitorView | undefined, times: StatusTimes): StatusDocument {
  const snapshot = view?.snapshot;
  const views = view?.views ?? [];
  const unknownGroups = new Set(view?.unknownGroups ?? []);
  const errors = snapshot?.errors ?? [];
  const live = snapshot?.ok === true ? snapshot : undefined;

  const groupIds = new Set<string>();
  for (const v of views) groupIds.add(v.groupId);
  for (const g of live?.groups ?? []) groupIds.add(g.groupId);
  for (const e of errors) if (e.groupId !== undefined) groupIds.add(e.groupId);

  const groups: StatusGroup[] = [...groupIds].sort().map((groupId) => {
    const groupViews = views.filter((v) => v.groupId === groupId);
    const seen = live?.groups.find((g) => g.groupId === groupId);
    const groupErrors = errors.filter((e) => e.groupId === groupId || (e.groupId === undefined && e.topic !== undefined && groupViews.some((v) => v.topic === e.topic)));
    const topicNames = new Set(groupViews.map((v) => v.topic));
    for (const e of errors) if (e.groupId === groupId && e.topic !== undefined) topicNames.add(e.topic);
    const topics = [...topicNames].sort().map((topic) =>
      groupTopicEntry(
        groupViews.find((v) => v.topic === topic),
        topic,
        errors.filter((e) => aboutTopic(e, groupId, topic)),
      ),
    );
    const unknown = unknownGroups.has(groupId);
    return {
      groupId,
      state: unknown ? 'Unknown' : (seen?.state ?? groupViews[0]?.state ?? 'Unknown'),
      members: seen?.members ?? groupViews[0]?.members ?? 0,
      totalLag: topics.reduce((sum, t) => sum + t.totalLag, 0),
      health: unknown ? 'UNKNOWN' : worstHealth(topics.map((t) => t.health)),
      errors: groupErrors,
      topics,
    };
  });

  const partitionCounts = new Map<string, number>();
  for (const v of views) partitionCounts.set(v.topic, v.partitionCount);
  for (const t of live?.topics ?? []) partitionCounts.set(t.topic, t.partitions.length);
  for (const e of errors) if (e.topic !== undefined && !partitionCounts.has(e.topic)) partitionCounts.set(e.topic, 0);
  const topics: StatusTopic[] = [...partitionCounts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, partitionCount]) => ({ topic, partitionCount, errors: errors.filter((e) => e.topic === topic) }));

  return {
    service: 'lag-monitor',
    generatedAt: iso(times.nowMs),
    startedAt: iso(times.startedAtMs),
    uptimeSeconds: round((times.nowMs - times.startedAtMs) / 1000),
    collection:
      snapshot === undefined
        ? null
        : { at: iso(snapshot.atMs), atMs: snapshot.atMs, ok: snapshot.ok, durationMs: snapshot.durationMs, ageSeconds: round((times.nowMs - snapshot.atMs) / 1000), errors: [...errors] },
    stale: snapshot !== undefined && !snapshot.ok,
    groups,
    topics,
    scaling: view?.scaling === undefined ? null : statusScaling(view.scaling),
    decisions: [...(view?.decisions ?? [])].reverse().map((d) => ({ ...d, at: iso(d.atMs) })),
  };
}

function statusScaling(scaling: ScalingView): StatusScaling {
  const { decision: _decision, ...rest } = scaling;
  return { ...rest, topics: [...scaling.topics] };
}
