import type { Consumer } from 'kafkajs';
import { describeError, type Logger } from '@lagscale/kafka-core';
import type { Dispatcher, TopicPartitionOffset } from '../dispatch/index.js';

/** kafkajs error types of a commit that lost to a rebalance (the group moved on). */
const LOST_TO_REBALANCE = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE']);

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** What a new assignment changed for this member. */
export interface AssignmentChange {
  /** The partitions owned now. */
  owned: Map<string, TopicPartition>;
  /** Owned before and not now: dropped, and never committed by this member again. */
  revoked: TopicPartition[];
  /** Owned now and not before. */
  added: TopicPartition[];
}

const keyOf = (topic: string, partition: number) => `${topic}:${partition}`;

/** Compares the partitions owned with the group's new assignment for this member (kafkajs `memberAssignment`). */
export function assignmentChange(owned: ReadonlyMap<string, TopicPartition>, assignment: Readonly<Record<string, readonly number[]>>): AssignmentChange {
  const next = new Map<string, TopicPartition>();
  for (const [topic, partitions] of Object.entries(assignment)) for (const partition of partitions) next.set(keyOf(topic, partition), { topic, partition });
  return {
    owned: next,
    revoked: [...owned].filter(([key]) => !next.has(key)).map(([, tp]) => tp),
    added: [...next].filter(([key]) => !owned.has(key)).map(([, tp]) => tp),
  };
}

function byTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const topics = new Map<string, number[]>();
  for (const { topic, partition } of partitions) topics.set(topic, [...(topics.get(topic) ?? []), partition]);
  return [...topics].map(([topic, list]) => ({ topic, partitions: list }));
}

/**
 * The partitions the group gave this member, and the commits of their completed prefixes: one
 * owner for both, fed by the group's join events. Rules it keeps (docs/decisions/0004):
 * - kafkajs has no revoke callback, so each GROUP_JOIN's assignment is compared with the last
 *   one; what was revoked is dropped from the dispatcher at once and never committed again (the
 *   broker accepts a commit from a member that no longer owns the partition);
 * - every commit passes explicit offsets, the dispatcher's committable ones (the completed
 *   prefix): `commitOffsets()` without them would commit every resolved offset, past records
 *   still running;
 * - one commit at a time; a failed one is left to the next (or to the new owner).
 */
export class PartitionOwnership {
  #owned = new Map<string, TopicPartition>();
  #joined = false;
  #commits = 0;
  #committing: Promise<void> | undefined;

  constructor(
    private readonly consumer: Pick<Consumer, 'commitOffsets' | 'pause' | 'resume'>,
    private readonly dispatcher: Pick<Dispatcher, 'committableOffsets' | 'markCommitted' | 'revoke'>,
    private readonly logger: Logger,
  ) {}

  /** True once the member joined its group and got an assignment. */
  get joined(): boolean {
    return this.#joined;
  }

  /** Partitions owned now. */
  get size(): number {
    return this.#owned.size;
  }

  /** Partitions owned now, counted by topic. */
  assignedByTopic(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { topic } of this.#owned.values()) counts.set(topic, (counts.get(topic) ?? 0) + 1);
    return counts;
  }

  /** Commits that succeeded. */
  get commits(): number {
    return this.#commits;
  }

  /** The group (re)assigned partitions: drops the revoked ones and makes sure the new ones fetch. */
  join(assignment: Readonly<Record<string, readonly number[]>>): AssignmentChange {
    const change = assignmentChange(this.#owned, assignment);
    for (const { topic, partitions } of byTopic(change.revoked)) this.dispatcher.revoke(topic, partitions);
    // A pause outlives the assignment in kafkajs, while the dispatcher forgot the partition when
    // it was revoked: a partition that comes back paused would never be fetched again.
    if (change.added.length > 0) this.consumer.resume(byTopic(change.added));
    this.#owned = change.owned;
    this.#joined = true;
    this.logger.info({ assignment, revoked: Object.fromEntries(byTopic(change.revoked).map((t) => [t.topic, t.partitions])) }, 'joined group');
    return change;
  }

  /**
   * The member left the group (to change its subscription): every partition is revoked and
   * dropped from the dispatcher; not joined until the next assignment.
   */
  leave(): AssignmentChange {
    const change = assignmentChange(this.#owned, {});
    for (const { topic, partitions } of byTopic(change.revoked)) this.dispatcher.revoke(topic, partitions);
    this.#owned = change.owned;
    this.#joined = false;
    return change;
  }

  /** Commits the completed prefix of every owned partition that moved; waits for a commit in progress first. */
  async commit(reason: string): Promise<void> {
    while (this.#committing !== undefined) await this.#committing;
    const offsets: TopicPartitionOffset[] = this.dispatcher.committableOffsets().filter((o) => this.#owned.has(keyOf(o.topic, o.partition)));
    if (offsets.length === 0) return;
    this.#committing = this.consumer
      .commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })))
      .then(() => {
        this.dispatcher.markCommitted(offsets);
        this.#commits += 1;
        this.logger.debug({ reason, offsets }, 'committed');
      })
      .catch((err: unknown) => {
        // A commit racing a rebalance fails; the next one (or the new owner) covers it: normal
        // during a scale event, so info. Any other failure is worth a warning.
        const type = (err as { type?: unknown } | undefined)?.type;
        if (typeof type === 'string' && LOST_TO_REBALANCE.has(type)) this.logger.info({ reason, type }, 'commit lost to a rebalance; the next owner resumes from the last commit');
        else this.logger.warn({ reason, err: describeError(err) }, 'commit failed');
      })
      .finally(() => {
        this.#committing = undefined;
      });
    await this.#committing;
  }

  /** Stops fetching every owned partition (on shutdown, before the last commit). */
  pauseAll(): void {
    if (this.#owned.size > 0) this.consumer.pause(byTopic([...this.#owned.values()]));
  }
}
