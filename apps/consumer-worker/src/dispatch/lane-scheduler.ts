import type { DispatchRecord } from '../pool/executor.js';
import { Deque } from './deque.js';
import { isLane, type Entry, type Lane } from './dispatch-state.js';
import { laneOf, type OrderingMode } from './ordering.js';

export interface LaneSchedulerOptions {
  ordering: OrderingMode;
  chunkSize: number;
  maxChunkCrashes: number;
}

/** A chunk on its way to the executor: its records and their order tags (see `ChunkExecutor.run`). */
export interface Chunk {
  entries: Entry[];
  tags: number[];
}

/**
 * The ordering half of the dispatcher. Records of one lane (a key, or a partition) wait in the
 * lane's queue, oldest first; a lane with records in flight is busy and none of its records
 * start until it is released. The ready queue holds, in arrival order, lanes that may start and
 * records that are independent of all others. Chunks are filled from it.
 */
export class LaneScheduler {
  private ready = new Deque<Lane | Entry>();

  constructor(private readonly options: LaneSchedulerOptions) {}

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Queues a tracked record in its lane (keyed by `keyed.key` in key mode), or as an independent one. */
  place(entry: Entry, keyed: Pick<DispatchRecord, 'key'>): void {
    const laneId = laneOf(keyed, this.options.ordering);
    if (laneId === undefined) {
      this.ready.push(entry);
      return;
    }
    const part = entry.part;
    let lane = part.lanes.get(laneId);
    if (lane === undefined) {
      lane = { id: laneId, part, queue: new Deque<Entry>(), busy: false, inReady: false };
      part.lanes.set(laneId, lane);
    }
    entry.lane = lane;
    lane.queue.push(entry);
    this.markReady(lane);
  }

  /** The lane's records in flight are settled: let its next records run, or forget an empty lane. */
  release(lane: Lane): void {
    lane.busy = false;
    if (lane.queue.length > 0) this.markReady(lane);
    else if (lane.part.lanes.get(lane.id) === lane) lane.part.lanes.delete(lane.id);
  }

  /** Puts `rerun` (in order) back in front of the group's lane, or of the ready queue, and unblocks the lane. */
  requeue(group: readonly Entry[], rerun: readonly Entry[]): void {
    const lane = group[0]?.lane;
    if (lane === undefined) {
      for (let i = rerun.length - 1; i >= 0; i -= 1) this.ready.unshift(rerun[i] as Entry);
      return;
    }
    for (let i = rerun.length - 1; i >= 0; i -= 1) lane.queue.unshift(rerun[i] as Entry);
    this.release(lane);
  }

  /** Drops what waits for revoked partitions (rare: one pass over the queue). */
  dropRevoked(): void {
    const kept = new Deque<Lane | Entry>();
    for (const unit of this.ready) if (!unit.part.revoked) kept.push(unit);
    this.ready = kept;
  }

  /**
   * Fills a chunk from the ready queue in order; each lane's records in it get a tag of their
   * own. A record whose chunks crashed their worker `maxChunkCrashes` times runs alone, so the
   * poison record of a crashing chunk is isolated.
   */
  nextChunk(): Chunk {
    const { chunkSize, maxChunkCrashes } = this.options;
    const entries: Entry[] = [];
    const tags: number[] = [];
    let nextTag = 1;
    while (entries.length < chunkSize) {
      const unit = this.ready.peek();
      if (unit === undefined) break;
      const head = isLane(unit) ? unit.queue.peek() : unit;
      if (head === undefined || unit.part.revoked) {
        this.ready.shift();
        if (isLane(unit)) unit.inReady = false;
        continue;
      }
      const alone = head.crashes >= maxChunkCrashes;
      if (alone && entries.length > 0) break;
      this.ready.shift();
      if (!isLane(unit)) {
        entries.push(unit);
        tags.push(0);
      } else {
        unit.inReady = false;
        unit.busy = true;
        const tag = nextTag;
        nextTag += 1;
        entries.push(unit.queue.shift() as Entry);
        tags.push(tag);
        while (!alone && entries.length < chunkSize) {
          const next = unit.queue.peek();
          if (next === undefined || next.crashes >= maxChunkCrashes) break;
          entries.push(unit.queue.shift() as Entry);
          tags.push(tag);
        }
      }
      if (alone) break;
    }
    return { entries, tags };
  }

  private markReady(lane: Lane): void {
    if (lane.busy || lane.inReady || lane.queue.length === 0) return;
    lane.inReady = true;
    this.ready.push(lane);
  }
}
