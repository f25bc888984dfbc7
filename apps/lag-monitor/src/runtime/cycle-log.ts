import type { Logger } from '@lagscale/kafka-core';
import { worstHealth } from '../derive/health.js';
import { jsonSeconds, type MonitorView } from '../export/monitor-view.js';
import type { ScalingDecision } from '../model/index.js';

export interface CycleLogOptions {
  /** How often each group's summary line is logged, the first right after the first cycle; 0: never. */
  summaryIntervalMs: number;
}

/** The outcome of one scaling step, as far as the log cares. */
export interface DecisionOutcome {
  groupId: string;
  decision: ScalingDecision;
  /** Why the actuator failed to apply the decision, if it did. */
  actuatorError?: string;
  /** True when another replica holds the Lease: the decision was not applied here. */
  notLeader?: boolean;
}

/**
 * What an operator reads in lag-monitor's log between "started" and "stopping": a summary line
 * per group every `summaryIntervalMs` (lag, rates, time to drain, health, members, replicas),
 * and a decision line only when the decision changes (action, target, rule or actuator error),
 * not on every cycle that repeats it; repeats go to debug.
 */
export interface CycleLog {
  decision(outcome: DecisionOutcome): void;
  /** Call after every cycle: logs the summary when it is due. */
  cycle(view: MonitorView, nowMs: number): void;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (n: number) => `${n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)}/s`;
const seconds = (s: number | '+Inf') => (s === '+Inf' ? 'never (nothing consumed)' : `${Math.round(s).toLocaleString('en-US')} s`);

export function createCycleLog(logger: Logger, options: CycleLogOptions): CycleLog {
  let lastDecisionKey: string | undefined;
  let lastSummaryMs: number | undefined;

  function summary(view: MonitorView): void {
    const snapshot = view.snapshot;
    if (!snapshot.ok) {
      const error = snapshot.errors[0];
      logger.info({ summary: true, ok: false, code: error?.code }, `summary: the last collection failed (${error?.code ?? 'unknown'}); groups below are from the last one that succeeded`);
    }
    const scaling = view.scaling;
    const groups = new Map<string, MonitorView['views'][number][]>();
    for (const v of view.views) {
      const list = groups.get(v.groupId) ?? [];
      list.push(v);
      groups.set(v.groupId, list);
    }
    const seenGroups = snapshot.ok ? snapshot.groups.map((g) => g.groupId) : [];
    const ids = [...new Set([...groups.keys(), ...seenGroups, ...view.unknownGroups])].sort();
    for (const groupId of ids) {
      const replicas = scaling?.groupId === groupId ? { replicas: scaling.current, desiredReplicas: scaling.desired } : {};
      const replicaText = scaling?.groupId === groupId ? `, replicas ${scaling.current}${scaling.desired === scaling.current ? '' : ` (desired ${scaling.desired})`}` : '';
      if (view.unknownGroups.includes(groupId)) {
        logger.info(
          { summary: true, group: groupId, state: 'Unknown', health: 'UNKNOWN', ...replicas },
          `summary: group ${groupId}: unknown to the broker (no members, no committed offsets; GROUP_NOT_FOUND)${replicaText}`,
        );
        continue;
      }
      const views = groups.get(groupId) ?? [];
      const seen = snapshot.ok ? snapshot.groups.find((g) => g.groupId === groupId) : undefined;
      const lag = views.reduce((sum, v) => sum + v.totalLag, 0);
      const production = views.reduce((sum, v) => sum + v.productionRate, 0);
      const consumption = views.reduce((sum, v) => sum + v.consumptionRate, 0);
      const drain = jsonSeconds(lag === 0 ? 0 : consumption > 0 ? lag / consumption : null);
      const health = worstHealth(views.map((v) => v.health));
      const state = seen?.state ?? views[0]?.state ?? 'Unknown';
      const members = seen?.members ?? views[0]?.members ?? 0;
      const topics = views.length === 1 ? `on ${views[0]?.topic}` : `on ${views.length} topics`;
      logger.info(
        { summary: true, group: groupId, lag, productionRate: production, consumptionRate: consumption, timeToDrainSeconds: drain, health, state, members, ...replicas },
        `summary: group ${groupId}: lag ${count(lag)} ${topics}, production ${rate(production)}, consumption ${rate(consumption)}, drains in ${seconds(drain)}, health ${health}, ${state}, ${members} member(s)${replicaText}`,
      );
    }
  }

  return {
    decision({ groupId, decision, actuatorError, notLeader }) {
      const key = `${decision.action}|${decision.desired}|${decision.reason}|${actuatorError ?? ''}|${notLeader === true}`;
      const fields = { group: groupId, action: decision.action, from: decision.current, to: decision.desired, reason: decision.reason };
      if (key === lastDecisionKey || notLeader === true) {
        // Unchanged (or not ours to apply): the numbers are in /status and the debug log.
        logger.debug({ ...fields, ...(notLeader === true ? { notLeader } : {}) }, decision.detail);
        lastDecisionKey = key;
        return;
      }
      lastDecisionKey = key;
      if (actuatorError !== undefined) logger.error({ ...fields, err: actuatorError }, `scaling to ${decision.desired} failed: ${actuatorError}`);
      else logger.info(fields, decision.detail);
    },
    cycle(view, nowMs) {
      if (options.summaryIntervalMs <= 0) return;
      if (lastSummaryMs !== undefined && nowMs - lastSummaryMs < options.summaryIntervalMs) return;
      lastSummaryMs = nowMs;
      summary(view);
    },
  };
}
