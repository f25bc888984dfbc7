import { Deque } from './deque.js';
import { MinHeap } from './min-heap.js';
import { isLane, type Entry, type Lane } from './entry.js';
import { laneOf, type OrderingMode } from './ordering.js';
import type { PartitionState } from './partition-state.js';

export interface LaneSchedulerOptions {
  ordering: OrderingMode;
  maxChunkCrashes: number;
}

/** A chunk on its way to the executor: its records and their order tags (see `ChunkExecutor.run`). */
export interface Chunk {
  entries: Entry[];
  tags: number[];
}

/** The arrival number of the record a ready unit would start with. */
function headSeq(unit: Lane | Entry): number {
  return isLane(unit) ? (unit.queue.peek()?.seq ?? Infinity) : unit.seq;
}

/**
 * The ordering half of the dispatcher, and the owner of the lanes. Records of one lane (a key, or
 * a partition) wait in the lane's queue, oldest first; a lane with records running, retrying or
 * producing is busy and none of its records start until it is released. The ready queue holds
 * lanes that may start and records that are independent of all others, oldest head record
 * first: served round-robin instead, a hot key's old records would wait behind every other key's
 * new ones, and the committed offset (the completed prefix) would lag far behind what was
 * processed (docs/decisions/0004). Chunks are filled from it.
 */
export class LaneScheduler {
  private readonly ready = new MinHeap<Lane | Entry>();
  /** Lanes with queued or busy records, per partition and lane id (see `laneOf`). */
  private readonly lanesOf = new Map<PartitionState, Map<number, Lane>>();
  // the last partition placed into and its lanes: records come in batches of one partition
  private lastPart: PartitionState | undefined;
  private lastLanes: Map<number, Lane> | undefined;
  // Scratch space of `nextChunk`, reused from chunk to chunk so that a chunk allocates only its
  // two arrays of the final size: its records and tags, the lanes of its runs and where each ends,
  // and the chunk rebuilt by `topUp`. They may still point at the last chunks' records, which
  // are running or just done.
  readonly #entries: Entry[] = [];
  readonly #tags: number[] = [];
  readonly #runLanes: Lane[] = [];
  readonly #runEnds: number[] = [];
  readonly #filled: Entry[] = [];
  readonly #filledTags: number[] = [];

  constructor(private readonly options: LaneSchedulerOptions) {}

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Whether `place` reads its key argument (key mode); otherwise pass null. */
  get ordersByKey(): boolean {
    return this.options.ordering === 'key';
  }

  /** Queues a tracked record in its lane (its `laneKeyOf` in key mode, null: no key), or as an independent one. */
  place(entry: Entry, laneKey: number | null): void {
    const laneId = laneOf(laneKey, this.options.ordering);
    if (laneId === undefined) {
      this.ready.push(entry, entry.seq);
      return;
    }
    const part = entry.part;
    const lanes = this.lanesFor(part);
    let lane = lanes.get(laneId);
    if (lane === undefined) {
      lane = { id: laneId, part, queue: new Deque<Entry>(), busy: false, inReady: false };
      lanes.set(laneId, lane);
    }
    entry.lane = lane;
    lane.queue.push(entry);
    this.markReady(lane);
  }

  /** The lane's running records are settled: let its next records run, or forget an empty lane. */
  release(lane: Lane): void {
    lane.busy = false;
    if (lane.queue.length > 0) this.markReady(lane);
    else {
      const lanes = this.lanesOf.get(lane.part);
      if (lanes?.get(lane.id) === lane) lanes.delete(lane.id);
    }
  }

  /** Puts `rerun` (in order) back in front of the group's lane, or of the ready queue, and unblocks the lane. */
  requeue(group: readonly Entry[], rerun: readonly Entry[]): void {
    const lane = group[0]?.lane;
    if (lane === undefined) {
      // They keep their arrival numbers, so they come back before anything newer.
      for (const entry of rerun) this.ready.push(entry, entry.seq);
      return;
    }
    for (let i = rerun.length - 1; i >= 0; i -= 1) lane.queue.unshift(rerun[i] as Entry);
    this.release(lane);
  }

  /** Drops the lanes of revoked partitions and what waits for them (rare: one pass over the queue). */
  dropRevoked(revoked: readonly PartitionState[]): void {
    for (const part of revoked) this.lanesOf.delete(part);
    this.lastPart = undefined;
    this.lastLanes = undefined;
    this.ready.filter((unit) => {
      if (!unit.part.revoked) return true;
      if (isLane(unit)) unit.inReady = false;
      return false;
    });
  }

  /**
   * Fills a chunk from the ready queue, oldest record first; a lane's records in it get a tag of
   * their own, and a lane goes on adding its next records only while they are older than every
   * other ready record. A record whose chunks crashed their worker `maxChunkCrashes` times runs
   * alone, so the poison record of a crashing chunk is isolated. When every ready record is in
   * and room is left, the chunk's lanes add their next records (`topUp`). At most `chunkSize` records.
   */
  nextChunk(chunkSize: number): Chunk {
    const { maxChunkCrashes } = this.options;
    const entries = this.#entries;
    const tags = this.#tags;
    const runLanes = this.#runLanes;
    const runEnds = this.#runEnds;
    let count = 0;
    let runs = 0;
    let nextTag = 1;
    let isolated = false;
    while (count < chunkSize) {
      const unit = this.ready.peek();
      if (unit === undefined) break;
      const head = isLane(unit) ? unit.queue.peek() : unit;
      if (head === undefined || unit.part.revoked) {
        this.ready.pop();
        if (isLane(unit)) unit.inReady = false;
        continue;
      }
      const alone = head.crashes >= maxChunkCrashes;
      if (alone && count > 0) break;
      this.ready.pop();
      if (!isLane(unit)) {
        entries[count] = unit;
        tags[count] = 0;
        count += 1;
      } else {
        unit.inReady = false;
        unit.busy = true;
        const tag = nextTag;
        nextTag += 1;
        entries[count] = unit.queue.shift() as Entry;
        tags[count] = tag;
        count += 1;
        const before = this.ready.minKey;
        while (!alone && count < chunkSize) {
          const next = unit.queue.peek();
          if (next === undefined || next.crashes >= maxChunkCrashes || next.seq > before) break;
          entries[count] = unit.queue.shift() as Entry;
          tags[count] = tag;
          count += 1;
        }
        runLanes[runs] = unit;
        runEnds[runs] = count;
        runs += 1;
      }
      if (alone) {
        isolated = true;
        break;
      }
    }
    if (!isolated && count < chunkSize && runs > 0 && this.ready.length === 0) return this.topUp(count, runs, chunkSize);
    return { entries: entries.slice(0, count), tags: tags.slice(0, count) };
  }

  /**
   * Every ready record is in the chunk and room is left: each lane of the chunk adds its next
   * queued records after its run, up to `chunkSize` in all. The lane is busy until this chunk
   * settles, so those records could start no sooner in another chunk; riding along they finish
   * sooner, and a chunk round trip to a thread carries more records (with few keys a chunk
   * otherwise holds about one record per key). A record due to run alone stays queued.
   * Reads the chunk so far (`count` records, `runs` lanes) from the scratch arrays.
   */
  private topUp(count: number, runs: number, chunkSize: number): Chunk {
    const { maxChunkCrashes } = this.options;
    const entries = this.#entries;
    const tags = this.#tags;
    const filled = this.#filled;
    const filledTags = this.#filledTags;
    let room = chunkSize - count;
    let size = 0;
    let from = 0;
    for (let run = 0; run < runs; run += 1) {
      const lane = this.#runLanes[run] as Lane;
      const end = this.#runEnds[run] as number;
      for (let i = from; i < end; i += 1) {
        filled[size] = entries[i] as Entry;
        filledTags[size] = tags[i] as number;
        size += 1;
      }
      from = end;
      const tag = tags[end - 1] as number;
      while (room > 0) {
        const next = lane.queue.peek();
        if (next === undefined || next.crashes >= maxChunkCrashes) break;
        filled[size] = lane.queue.shift() as Entry;
        filledTags[size] = tag;
        size += 1;
        room -= 1;
      }
    }
    for (let i = from; i < count; i += 1) {
      filled[size] = entries[i] as Entry;
      filledTags[size] = tags[i] as number;
      size += 1;
    }
    return { entries: filled.slice(0, size), tags: filledTags.slice(0, size) };
  }

  private lanesFor(part: PartitionState): Map<number, Lane> {
    if (part === this.lastPart && this.lastLanes !== undefined) return this.lastLanes;
    let lanes = this.lanesOf.get(part);
    if (lanes === undefined) {
      lanes = new Map();
      this.lanesOf.set(part, lanes);
    }
    this.lastPart = part;
    this.lastLanes = lanes;
    return lanes;
  }

  private markReady(lane: Lane): void {
    if (lane.busy || lane.inReady || lane.queue.length === 0) return;
    lane.inReady = true;
    this.ready.push(lane, headSeq(lane));
  }
}
