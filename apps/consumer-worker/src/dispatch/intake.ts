import type { DispatchRecord } from '../pool/executor.js';
import { RecordArena } from '../pool/record-arena.js';
import { Entry, EntryBatch } from './entry.js';
import type { FlowControl } from './flow-control.js';
import type { LaneScheduler } from './lane-scheduler.js';
import { laneKeyOf } from './ordering.js';
import type { PartitionState } from './partition-state.js';
import type { PartitionTable } from './partition-table.js';

/** A batch taken and not yet queued in its lanes. */
interface TakenBatch {
  part: PartitionState;
  arena: RecordArena;
  /** Per slot: the offset, or -1 for a record not to queue (held already). */
  offsets: number[];
  enqueuedAtMs: number;
  release: (() => void) | undefined;
}

/**
 * How fetched records come in: each is tracked by its partition (re-fetches of records it holds
 * are left out) and counted for backpressure at once, then queued in its lane. Holds the batches
 * taken and not yet queued.
 */
export class Intake {
  #taken: TakenBatch[] = [];

  constructor(
    private readonly parts: PartitionTable,
    private readonly flow: FlowControl,
    private readonly lanes: LaneScheduler,
  ) {}

  /**
   * Takes records already copied into an arena (`offsets[slot]` the offset of each; it is taken
   * over), to be queued by `placeTaken`. Returns true when it holds records to queue. `release` is
   * called once every record taken from the arena completed (at once if none was taken).
   */
  takeArena(topic: string, partition: number, arena: RecordArena, offsets: number[], nowMs: number, release?: () => void): boolean {
    const part = this.parts.get(topic, partition);
    let any = false;
    for (let slot = 0; slot < offsets.length; slot += 1) {
      // -1: not tracked (held already; Kafka never repeats an offset, but if it did, run it once)
      if (!part.take(offsets[slot] as number, arena.dataBytes(slot))) offsets[slot] = -1;
      else any = true;
    }
    if (any) this.#taken.push({ part, arena, offsets, enqueuedAtMs: nowMs, release });
    else release?.();
    this.flow.update(part);
    this.flow.updateTotal(this.parts.values());
    return this.#taken.length > 0;
  }

  /** Queues in their lanes the records of the batches `takeArena` took. */
  placeTaken(): void {
    const batches = this.#taken;
    this.#taken = [];
    const lanes = this.lanes;
    const byKey = lanes.ordersByKey;
    for (const { part, arena, offsets, enqueuedAtMs, release } of batches) {
      // a revoked partition's records were dropped with it
      if (part.revoked) continue;
      const batch = new EntryBatch(part, arena, enqueuedAtMs, release);
      for (let slot = 0; slot < offsets.length; slot += 1) {
        const offset = offsets[slot] as number;
        if (offset < 0) continue;
        batch.remaining += 1;
        lanes.place(new Entry(batch, offset, slot, 1), byKey ? laneKeyOf(arena, slot) : null);
      }
    }
  }

  /** Takes records in full and queues them at once: the general path (tests, callers with records in hand). */
  takeRecords(records: readonly DispatchRecord[], nowMs: number): void {
    // Records already held (a re-fetch) are left out before their bytes are copied.
    const fresh: DispatchRecord[] = [];
    const freshParts: PartitionState[] = [];
    const highest = new Map<PartitionState, number>();
    for (const record of records) {
      const part = this.parts.get(record.topic, record.partition);
      if (record.offset <= (highest.get(part) ?? part.highestTaken ?? -1)) continue;
      highest.set(part, record.offset);
      fresh.push(record);
      freshParts.push(part);
    }
    const arena = RecordArena.copyOf(fresh);
    const byKey = this.lanes.ordersByKey;
    const batches = new Map<PartitionState, EntryBatch>();
    for (let slot = 0; slot < fresh.length; slot += 1) {
      const record = fresh[slot] as DispatchRecord;
      const part = freshParts[slot] as PartitionState;
      let batch = batches.get(part);
      if (batch === undefined) {
        batch = new EntryBatch(part, arena, nowMs);
        batches.set(part, batch);
      }
      if (!part.take(record.offset, arena.dataBytes(slot))) continue;
      batch.remaining += 1;
      this.lanes.place(new Entry(batch, record.offset, slot, record.attempt), byKey ? laneKeyOf(arena, slot) : null);
    }
    for (const part of highest.keys()) this.flow.update(part);
    this.flow.updateTotal(this.parts.values());
  }
}
