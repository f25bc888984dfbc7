import type { Admin } from 'kafkajs';
import type { KafkaConfig } from '@lagscale/kafka-core';

/** What one collector watches and how long a cycle may take. */
export interface CollectorOptions {
  /** Group ids watched by name (may be empty when a pattern is given). */
  groups: readonly string[];
  /** Also every group whose id matches; the broker's groups are listed again each cycle. */
  groupPattern?: RegExp;
  /** Topics watched for every group even without commits: a group that never committed shows its lag here. */
  topics: readonly string[];
  /** Also every existing topic whose name matches (whole-name: `compileTopicPattern`); listed again each cycle. */
  topicPattern?: RegExp;
  /** A cycle never takes longer: past it the snapshot is ok=false with a broker-scope TIMEOUT error. */
  timeoutMs: number;
  /** Admin requests of one cycle in flight at once (committed offsets per group, log offsets per topic). */
  concurrency?: number;
  /**
   * Returns a connected admin client to use from now on, in place of the current one (the caller
   * disconnects the old one). Called when a topic the collector read was deleted: kafkajs keeps
   * every topic it fetched offsets for in its metadata requests, and once one of them is gone every
   * later metadata refresh of that client fails, for all topics. Without it, such a cycle fails.
   */
  renewAdmin?: () => Promise<Admin>;
}

/** Below the default 5 s collection interval, so a slow cycle ends before the next one is due. */
export const defaultCollectorOptions = {
  groups: [],
  topics: [],
  timeoutMs: 4_000,
  concurrency: 8,
} satisfies Partial<CollectorOptions>;

/** Every problem with the options, each naming its field; empty when they are usable. */
export function validateCollectorOptions(o: CollectorOptions): string[] {
  const problems: string[] = [];
  if (o.groups.length === 0 && o.groupPattern === undefined) {
    problems.push('groups or groupPattern must name at least one group to watch');
  }
  for (const group of o.groups) {
    if (typeof group !== 'string' || group === '') problems.push(`groups must hold non-empty group ids (got "${String(group)}")`);
  }
  for (const topic of o.topics) {
    if (typeof topic !== 'string' || topic === '') problems.push(`topics must hold non-empty topic names (got "${String(topic)}")`);
  }
  if (!Number.isInteger(o.timeoutMs) || o.timeoutMs < 1) problems.push(`timeoutMs must be a positive integer (got ${o.timeoutMs})`);
  if (o.concurrency !== undefined && (!Number.isInteger(o.concurrency) || o.concurrency < 1)) {
    problems.push(`concurrency must be a positive integer (got ${o.concurrency})`);
  }
  return problems;
}

/**
 * Retries of the monitor's admin client: few and short. The collector bounds each cycle anyway,
 * and a long retry loop would only delay the `up 0` a dashboard needs to show.
 */
export const monitorAdminRetry = { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 1_000 } as const satisfies KafkaConfig['retry'];
