import { HEALTH_STATES, type GroupTopicView, type ScalingDecision } from '../model/index.js';
import { figuresOf, PARTITION_FIELD, PARTITION_FIELD_COUNT } from '../derive/partition-figures.js';
import type { CycleResult } from '../runtime/monitor-service.js';

export interface ViewHistoryOptions {
  /** Cycles kept: 720 at the default 5 s interval is the last hour. */
  maxPoints: number;
  /** Group/topic pairs charted (the first seen); the rest are counted in `omittedGroupTopics`. */
  maxGroupTopics: number;
  /** Partitions charted per group/topic (the lowest numbers); `partitionsShown` says how many. */
  maxPartitions: number;
  /** Scaling decisions that changed the replica count, newest kept. */
  maxDecisions: number;
}

export const defaultViewHistoryOptions = { maxPoints: 720, maxGroupTopics: 10, maxPartitions: 32, maxDecisions: 20 } satisfies ViewHistoryOptions;

type Column = (number | null)[];

/** One group on one topic over time; every column is aligned with `ViewHistoryDocument.times`. */
export interface GroupTopicHistory {
  groupId: string;
  topic: string;
  partitionCount: number;
  partitionsShown: number;
  totalLag: Column;
  maxTimeLagSeconds: Column;
  /** null also where nothing is consumed (never drains): the chart shows a gap, not +Inf. */
  timeToDrainSeconds: Column;
  productionRate: Column;
  consumptionRate: Column;
  /** 0 OK, 1 WARN, 2 STALL, 3 STOP. */
  health: Column;
  members: Column;
  /** Per-partition lag; filled for one group/topic per document (see ViewHistory.toJSON). */
  partitions: { partition: number; lag: Column }[];
}

/** The body of `GET /ui/history`: the monitor's recent cycles as columns, for charts. */
export interface ViewHistoryDocument {
  service: 'lag-monitor';
  intervalMs: number;
  /** Start of each cycle kept, ms since epoch, oldest first. */
  times: number[];
  /** Whether each cycle reached the broker; a failed one is a gap in the lag columns. */
  ok: boolean[];
  groups: GroupTopicHistory[];
  /** Group/topic pairs of the latest cycle left out by `maxGroupTopics`. */
  omittedGroupTopics: number;
  /** The scaled group's replica counts; null when the monitor only watches. */
  scaling: { groupId: string; current: Column; desired: Column } | null;
  /** The latest decision (a hold included), and those that changed the count, newest first. */
  lastDecision: ScalingDecision | null;
  decisions: ScalingDecision[];
}

export interface ViewHistory {
  /** Appends one cycle (the monitor calls this after every cycle). */
  record(cycle: CycleResult): void;
  /**
   * A copy of the history. Per-partition columns only for `partitionsOf` (default: the scaled
   * group's first topic, else the first group/topic): the page charts one pair's partitions.
   */
  toJSON(partitionsOf?: { groupId: string; topic: string }): ViewHistoryDocument;
}

const healthIndex = (health: GroupTopicView['health']) => HEALTH_STATES.indexOf(health);

/**
 * The built-in view's memory: the last `maxPoints` cycles as columns, bounded in points, groups,
 * partitions and decisions, so a monitor that runs for weeks holds the same few hundred KB.
 */
export function createViewHistory(intervalMs: number, options: ViewHistoryOptions = defaultViewHistoryOptions): ViewHistory {
  const times: number[] = [];
  const ok: boolean[] = [];
  const groups = new Map<string, GroupTopicHistory>();
  let omitted = 0;
  let scaling: ViewHistoryDocument['scaling'] = null;
  let lastDecision: ScalingDecision | null = null;
  const decisions: ScalingDecision[] = [];

  const columnsOf = (g: GroupTopicHistory): Column[] => [g.totalLag, g.maxTimeLagSeconds, g.timeToDrainSeconds, g.productionRate, g.consumptionRate, g.health, g.members, ...g.partitions.map((p) => p.lag)];
  const blank = () => times.map(() => null) as Column;

  function groupFor(view: GroupTopicView): GroupTopicHistory | undefined {
    const key = `${view.groupId}\u0000${view.topic}`;
    const known = groups.get(key);
    if (known !== undefined) return known;
    if (groups.size >= options.maxGroupTopics) return undefined;
    // Columns are created with the cycle about to be appended already counted in `times`.
    const shown = view.partitions.slice(0, options.maxPartitions);
    const created: GroupTopicHistory = {
      groupId: view.groupId,
      topic: view.topic,
      partitionCount: view.partitionCount,
      partitionsShown: shown.length,
      totalLag: blank(),
      maxTimeLagSeconds: blank(),
      timeToDrainSeconds: blank(),
      productionRate: blank(),
      consumptionRate: blank(),
      health: blank(),
      members: blank(),
      partitions: shown.map((p) => ({ partition: p.partition, lag: blank() })),
    };
    groups.set(key, created);
    return created;
  }

  function setLast(column: Column, value: number | null): void {
    column[column.length - 1] = value;
  }

  return {
    record(cycle) {
      times.push(cycle.snapshot.atMs);
      ok.push(cycle.snapshot.ok);
      for (const g of groups.values()) for (const column of columnsOf(g)) column.push(null);
      if (scaling !== null) {
        scaling.current.push(null);
        scaling.desired.push(null);
      }
      // views of a failed cycle are the last good ones: left as a gap rather than drawn as news
      if (cycle.snapshot.ok) {
        omitted = 0;
        for (const view of cycle.views) {
          const g = groupFor(view);
          if (g === undefined) {
            omitted += 1;
            continue;
          }
          g.partitionCount = view.partitionCount;
          setLast(g.totalLag, view.totalLag);
          setLast(g.maxTimeLagSeconds, view.maxTimeLagSeconds);
          setLast(g.timeToDrainSeconds, view.timeToDrainSeconds);
          setLast(g.productionRate, view.productionRate);
          setLast(g.consumptionRate, view.consumptionRate);
          setLast(g.health, healthIndex(view.health));
          setLast(g.members, view.members);
          // From the columns: view.partitions would build an object per partition every cycle.
          const { count, values, offsets } = figuresOf(view);
          for (const p of g.partitions) {
            for (let k = 0; k < count; k += 1) {
              if (offsets.partition[k] !== p.partition) continue;
              setLast(p.lag, values[k * PARTITION_FIELD_COUNT + PARTITION_FIELD.lag] as number);
              break;
            }
          }
        }
      }
      const scaled = cycle.scaling;
      if (scaled !== undefined) {
        if (scaling === null || scaling.groupId !== scaled.groupId) scaling = { groupId: scaled.groupId, current: blank(), desired: blank() };
        // What runs after the cycle acted, as /status and /metrics show it.
        setLast(scaling.current, scaled.running);
        setLast(scaling.desired, scaled.desired);
        lastDecision = scaled.decision;
        if (scaled.decision.action !== 'hold') {
          decisions.unshift(scaled.decision);
          if (decisions.length > options.maxDecisions) decisions.pop();
        }
      }
      if (times.length > options.maxPoints) {
        times.shift();
        ok.shift();
        for (const g of groups.values()) for (const column of columnsOf(g)) column.shift();
        if (scaling !== null) {
          scaling.current.shift();
          scaling.desired.shift();
        }
        // a group/topic whose columns are all empty again has left the window
        for (const [key, g] of groups) if (g.totalLag.every((v) => v === null)) groups.delete(key);
      }
    },
    toJSON(partitionsOf) {
      const all = [...groups.values()];
      const detailed =
        all.find((g) => g.groupId === partitionsOf?.groupId && g.topic === partitionsOf.topic) ??
        all.find((g) => g.groupId === scaling?.groupId) ??
        all[0];
      return {
        service: 'lag-monitor',
        intervalMs,
        times: [...times],
        ok: [...ok],
        groups: all.map((g) => ({
          ...g,
          totalLag: [...g.totalLag],
          maxTimeLagSeconds: [...g.maxTimeLagSeconds],
          timeToDrainSeconds: [...g.timeToDrainSeconds],
          productionRate: [...g.productionRate],
          consumptionRate: [...g.consumptionRate],
          health: [...g.health],
          members: [...g.members],
          partitions: g === detailed ? g.partitions.map((p) => ({ partition: p.partition, lag: [...p.lag] })) : [],
        })),
        omittedGroupTopics: omitted,
        scaling: scaling === null ? null : { groupId: scaling.groupId, current: [...scaling.current], desired: [...scaling.desired] },
        lastDecision,
        decisions: [...decisions],
      };
    },
  };
}
