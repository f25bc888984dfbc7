import type { Admin } from 'kafkajs';
import { AppError } from '../errors/app-error.js';
import { fromKafkaError, innermostCause } from '../errors/kafka-errors.js';

/** How long ensuring a topic may wait, in total, for the broker to show it ready or to recover. */
export const defaultTopicReadinessOptions = { timeoutMs: 30_000, intervalMs: 100 } satisfies TopicReadinessOptions;

export interface TopicReadinessOptions {
  /** Bound on the whole wait; past it the caller gets a TIMEOUT naming what was missing. */
  timeoutMs: number;
  /** Pause between two looks at the metadata. */
  intervalMs: number;
}

// Broker answers that say "not yet" rather than "no": a topic the controller has created but this
// broker's metadata has not caught up with, a partition whose leader is being elected, a
// controller that moved, a request the broker timed out while busy.
const TRANSIENT_TYPES: ReadonlySet<string> = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_CONTROLLER',
  'REQUEST_TIMED_OUT',
  'REBALANCE_IN_PROGRESS',
]);

interface KafkaJsLikeError extends Error {
  type?: string;
}

// kafkajs's admin calls bail out with a KafkaJSNonRetriableError (retriable false) or give up with
// KafkaJSNumberOfRetriesExceeded around the broker's own answer; only that answer says whether
// trying again can help.
function innermost(err: unknown): KafkaJsLikeError | undefined {
  return err instanceof Error ? (innermostCause(err) as KafkaJsLikeError) : undefined;
}

/** The broker's error type (`UNKNOWN_TOPIC_OR_PARTITION`, …) under any kafkajs wrapping. */
export function kafkaErrorType(err: unknown): string | undefined {
  const inner = innermost(err);
  // Per-topic answers (CreateTopics, CreatePartitions) arrive as one KafkaJSAggregateError.
  const members = (inner as { errors?: unknown } | undefined)?.errors;
  const first = Array.isArray(members) ? (members[0] as KafkaJsLikeError | undefined) : undefined;
  return (err as KafkaJsLikeError | undefined)?.type ?? inner?.type ?? first?.type;
}

/** True when the broker's answer, under kafkajs's wrapping, is one that passes on its own. */
export function isTransientAdminError(err: unknown): boolean {
  if (err instanceof AppError) return false;
  const inner = innermost(err);
  const type = kafkaErrorType(err);
  if (type !== undefined) return TRANSIENT_TYPES.has(type);
  // kafkajs's own wait for leaders after createTopics times out with this error.
  return inner?.name === 'KafkaJSTimeout' || inner?.name === 'KafkaJSRequestTimeoutError';
}

export type LeaderCheck = { ready: true; partitions: number } | { ready: false; missing: string };

/** Whether `topic` shows at least `partitions` partitions, each with a leader that serves it. */
export async function checkLeaders(admin: Admin, topic: string, partitions: number): Promise<LeaderCheck> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const found = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
    if (found.length < partitions) return { ready: false, missing: `${found.length} of ${partitions} partitions in the metadata` };
    const leaderless = found.filter((p) => p.leader < 0).map((p) => p.partitionId);
    if (leaderless.length > 0) return { ready: false, missing: `no leader for partition(s) ${leaderless.join(',')}` };
    // The metadata can name a leader before that broker has loaded the partition (it answers
    // NOT_LEADER_FOR_PARTITION for a moment): a ListOffsets, served by each leader, proves it has.
    const offsets = await listOffsets(admin, topic);
    if (typeof offsets === 'string') return { ready: false, missing: offsets };
    if (offsets < partitions) return { ready: false, missing: `offsets for ${offsets} of ${partitions} partitions` };
    return { ready: true, partitions: found.length };
  } catch (err) {
    if (isTransientAdminError(err)) return { ready: false, missing: `the broker answered ${kafkaErrorType(err) ?? (err as Error).message}` };
    throw err;
  }
}

/**
 * How many partitions answered a ListOffsets, or why none could. The metadata just said every
 * leader is there, so any failure here is the broker catching up: kafkajs itself even throws a
 * TypeError while its cached metadata of a new topic lacks partitions. Bounded by the caller.
 */
async function listOffsets(admin: Admin, topic: string): Promise<number | string> {
  try {
    return (await admin.fetchTopicOffsets(topic)).length;
  } catch (err) {
    return `ListOffsets failed: ${kafkaErrorType(err) ?? (err instanceof Error ? err.message : String(err))}`;
  }
}

/**
 * Waits, bounded, until every one of the topic's first `partitions` partitions has a leader: a
 * topic just created or grown is not usable before (produce and fetch fail with
 * UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE until the broker has caught up).
 */
export async function awaitTopicLeaders(admin: Admin, topic: string, partitions: number, options: Partial<TopicReadinessOptions> = {}): Promise<number> {
  const { timeoutMs, intervalMs } = { ...defaultTopicReadinessOptions, ...options };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const check = await checkLeaders(admin, topic, partitions);
    if (check.ready) return check.partitions;
    if (Date.now() >= deadline) {
      throw new AppError('TIMEOUT', `topic ${topic} not ready within ${timeoutMs} ms: ${check.missing}`, { details: { topic, partitions } });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Runs `attempt` again while it fails with a transient broker answer, until `deadline`; the
 * last failure is translated into an AppError naming `action`.
 */
export async function retryTransient<T>(action: string, deadline: number, intervalMs: number, attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isTransientAdminError(err) || Date.now() >= deadline) {
        throw fromKafkaError(err, { action });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
