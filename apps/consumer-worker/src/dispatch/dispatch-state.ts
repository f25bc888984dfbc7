import type { PooledRecord } from '../pool/executor.js';
import type { RecordArena } from '../pool/record-arena.js';
import type { Deque } from './deque.js';
import type { OffsetTracker } from './offset-tracker.js';

/** One owned topic-partition. A revoked one is flagged so late outcomes can tell they are stale. */
export interface PartitionState {
  topic: string;
  partition: number;
  tracker: OffsetTracker;
  /** Lanes with queued or busy records, by lane id (see `laneOf`). */
  lanes: Map<string, Lane>;
  bytes: number;
  /** The tracker window as last added to the dispatcher's total (see `Dispatcher.syncWindow`). */
  countedWindow: number;
  overMark: boolean;
  paused: boolean;
  revoked: boolean;
}

/** Records that must run one after another (one key, or one partition), oldest first. */
export interface Lane {
  id: string;
  part: PartitionState;
  queue: Deque<Entry>;
  /** Some of its records are running, producing, retrying or being dead-lettered. */
  busy: boolean;
  /** Already waiting in the ready queue. */
  inReady: boolean;
}

/**
 * A record the dispatcher holds until it completes. Its bytes live in an arena shared with the
 * worker threads; it is itself the `PooledRecord` the pool ships.
 */
let nextSeq = 0;

export class Entry implements PooledRecord {
  readonly topic: string;
  readonly partition: number;
  /** Arrival order over all partitions: the ready queue starts the oldest record first. */
  readonly seq = nextSeq++;
  /** Undefined for a record independent of all others. */
  lane: Lane | undefined = undefined;
  /** Worker crashes of chunks that carried it. */
  crashes = 0;

  constructor(
    readonly part: PartitionState,
    readonly offset: number,
    readonly arena: RecordArena,
    readonly slot: number,
    public attempt: number,
    /** Key plus value bytes, what the in-flight byte bound counts. */
    readonly bytes: number,
    readonly enqueuedAtMs: number,
  ) {
    this.topic = part.topic;
    this.partition = part.partition;
  }
}

/** What to do with an entry that did not complete: retry, re-run, or dead-letter now. */
export interface Redo {
  entry: Entry;
  /** Why it failed; undefined for a record re-run only because one before it failed. */
  error: string | undefined;
  /** Counts as a failed attempt (the attempt number goes up and the retry waits a backoff). */
  countsAsAttempt: boolean;
  deadLetter: boolean;
}

export function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

export function isLane(unit: Lane | Entry): unit is Lane {
  return !(unit instanceof Entry);
}

/** Splits a chunk into runs of one lane (contiguous, as chunks are built) and lone records. */
export function groupsOf(chunk: readonly Entry[]): Entry[][] {
  const groups: Entry[][] = [];
  let current: Entry[] | undefined;
  for (const entry of chunk) {
    if (current !== undefined && entry.lane !== undefined && current[0]?.lane === entry.lane) current.push(entry);
    else {
      current = [entry];
      groups.push(current);
    }
  }
  return groups;
}
