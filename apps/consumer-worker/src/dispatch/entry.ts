import type { PooledRecord } from '../pool/executor.js';
import type { RecordArena } from '../pool/record-arena.js';
import type { Deque } from './deque.js';
import type { PartitionState } from './partition-state.js';

/** Records that must run one after another (one key, or one partition), oldest first. */
export interface Lane {
  /** See `laneOf`. */
  id: number;
  part: PartitionState;
  queue: Deque<Entry>;
  /** Some of its records are running, producing, retrying or being dead-lettered. */
  busy: boolean;
  /** Already waiting in the ready queue. */
  inReady: boolean;
}

let nextSeq = 0;

/**
 * A record the dispatcher holds until it completes. Its bytes live in an arena shared with the
 * worker threads; it is itself the `PooledRecord` the pool ships.
 */
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
    readonly enqueuedAtMs: number,
  ) {
    this.topic = part.topic;
    this.partition = part.partition;
  }
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
