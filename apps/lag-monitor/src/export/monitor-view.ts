import type { GroupTopicView, ScalingDecision, Snapshot } from '../model/index.js';

/**
 * How /status writes a time that never comes (time to drain with lag and nothing consumed):
 * the string `"+Inf"`, the token /metrics uses for the same value, since JSON has no infinity.
 * JSON `null` is never used for it.
 */
export const INFINITE_SECONDS = '+Inf';
export type JsonSeconds = number | typeof INFINITE_SECONDS;

/** A derived time (null = never) as /status writes it: a number, or "+Inf". */
export function jsonSeconds(seconds: number | null, round: (value: number) => number = (value) => value): JsonSeconds {
  return seconds === null || seconds === Number.POSITIVE_INFINITY ? INFINITE_SECONDS : round(seconds);
}

/** A derived time as /metrics writes it: null (never) is +Inf. */
export function metricSeconds(seconds: number | null): number {
  return seconds ?? Number.POSITIVE_INFINITY;
}

/** The scaled group as both endpoints show it. */
export interface ScalingView {
  groupId: string;
  /** Topics the policy looks at; empty (and no pattern) means all the group is watched on. */
  topics: string[];
  topicPattern?: string;
  /** Actuator kind: none, kubernetes, local. */
  actuator: string;
  /** Policy mode: lag or rate. */
  mode: string;
  /**
   * Replicas the actuator reports after this cycle acted: read again after a scale, so it is
   * what runs (or is set to run), never what was asked for. The decision's own `current` is the
   * count it was decided from.
   */
  current: number;
  desired: number;
  /** The decision of the latest cycle that could read the actuator. */
  decision?: ScalingDecision;
}

/**
 * What /status and /metrics render, built once per cycle: the one source both read, so they
 * cannot disagree on replicas, time to drain or a group's state.
 */
export interface MonitorView {
  /** The latest cycle, ok or not. */
  snapshot: Snapshot;
  /** Derived from the latest ok snapshot, groups the broker does not know left out (but the scaled one). */
  views: readonly GroupTopicView[];
  /** Named groups the broker does not know (no members, no committed offsets), sorted. */
  unknownGroups: readonly string[];
  scaling?: ScalingView;
  /** Recent scaling decisions, oldest first. */
  decisions: readonly ScalingDecision[];
}

/**
 * The groups the broker does not know, from the latest ok snapshot (the collector marks them
 * `Unknown`), and the views left to report. Views of an unknown group exist only because
 * configured topics were read for it: reported as lag they would show a misspelt group id as a
 * huge backlog, so they are left out. One exception: the scaled group keeps them, since the
 * policy sizes its fleet on that backlog before the first replica joins, and a scaler acting on
 * numbers /status and /metrics do not show would be worse. It is still `Unknown` in both.
 */
export function buildMonitorView(input: { snapshot: Snapshot; views: readonly GroupTopicView[]; scaling?: ScalingView; decisions: readonly ScalingDecision[] }): MonitorView {
  const unknown = new Set<string>();
  for (const view of input.views) if (view.state === 'Unknown') unknown.add(view.groupId);
  if (input.snapshot.ok) for (const group of input.snapshot.groups) if (group.state === 'Unknown') unknown.add(group.groupId);
  const hidden = new Set([...unknown].filter((groupId) => groupId !== input.scaling?.groupId));
  const views = hidden.size === 0 ? input.views : input.views.filter((view) => !hidden.has(view.groupId));
  return {
    snapshot: input.snapshot,
    views,
    unknownGroups: [...unknown].sort(),
    ...(input.scaling === undefined ? {} : { scaling: input.scaling }),
    decisions: [...input.decisions],
  };
}
