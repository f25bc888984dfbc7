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

/** What the records taken together (one fetched batch, one `enqueue`) share: kept once, not per record. */
export class EntryBatch {
  /** Its records not completed yet (see `completed`). */
  remaining = 0;

  constructor(
    readonly part: PartitionState,
    readonly arena: RecordArena,
    readonly enqueuedAtMs: number,
    /** Called once every record of the batch completed: nothing reads its arena any more. */
    private readonly release: (() => void) | undefined = undefined,
  ) {}

  /**
   * Counts `records` of the batch completed (processed, their outputs or dead letters produced).
   * Each record's chunk came back before it completes, so at zero no thread reads the arena
   * either. A batch whose records are dropped (a revoked partition) never gets there.
   */
  completed(records: number): void {
    this.remaining -= records;
    if (this.remaining === 0) this.release?.();
  }
}

/**
 * A record the dispatcher holds until it completes. Its bytes live in an arena shared with the
 * worker threads; it is itself the `PooledRecord` the pool ships. What it shares with its batch
 * (partition, arena, arrival time) it reads from there: a million records a second live through
 * a young-generation collection or two, so each field less is less to copy.
 */
export class Entry implements PooledRecord {
  /** Arrival order over all partitions: the ready queue starts the oldest record first. */
  readonly seq = nextSeq++;
  /** Undefined for a record independent of all others. */
  lane: Lane | undefined = undefined;
  /** Worker crashes of chunks that carried it. */
  crashes = 0;

  constructor(
    readonly batch: EntryBatch,
    readonly offset: number,
    readonly slot: number,
    public attempt: number,
  ) {}

  get part(): PartitionState {
    return this.batch.part;
  }

  get arena(): RecordArena {
    return this.batch.arena;
  }

  /** When it was taken (the clock's ms). */
  get enqueuedAtMs(): number {
    return this.batch.enqueuedAtMs;
  }

  get topic(): string {
    return this.part.topic;
  }

  get partition(): number {
    return this.part.partition;
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
