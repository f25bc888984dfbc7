import type { DispatchRecord } from '../pool/executor.js';
import { RecordArena } from '../pool/record-arena.js';
import type { DispatcherClock } from './clock.js';
import { Entry, type PartitionState } from './dispatch-state.js';
import type { FlowControl } from './flow-control.js';
import type { LaneScheduler } from './lane-scheduler.js';

/** What intake needs from the dispatcher. */
export interface IntakeContext {
  clock: DispatcherClock;
  flow: FlowControl;
  lanes: LaneScheduler;
  /** The state of a partition, created on its first record. */
  partitionFor(topic: string, partition: number): PartitionState;
  /** Every owned partition, for the total bounds. */
  parts(): Iterable<PartitionState>;
  /** Starts chunks for what became ready. */
  pump(): void;
}

/** A batch `enqueueArena` counted, to be queued in the next turn. */
interface PendingBatch {
  part: PartitionState;
  arena: RecordArena;
  /** Per slot: the offset, or -1 for a record not to queue. */
  offsets: number[];
  enqueuedAtMs: number;
}

/**
 * How fetched records come into the dispatcher: re-fetches of records it holds are left out,
 * the rest are tracked and counted for backpressure, their bytes copied into an arena, and
 * they are queued in their lanes.
 */
export class Intake {
  private pending: PendingBatch[] = [];
  private placeScheduled = false;

  constructor(private readonly ctx: IntakeContext) {}

  /** Takes records in full, at once: the general path (tests, callers with records in hand). */
  enqueue(records: readonly DispatchRecord[]): void {
    const { clock, flow, lanes } = this.ctx;
    const nowMs = clock.now();
    // Records already held (a re-fetch) are left out before their bytes are copied.
    const fresh: DispatchRecord[] = [];
    const parts: PartitionState[] = [];
    const highest = new Map<PartitionState, number>();
    for (const record of records) {
      const part = this.ctx.partitionFor(record.topic, record.partition);
      if (record.offset <= (highest.get(part) ?? part.tracker.highestAdded ?? -1)) continue;
      highest.set(part, record.offset);
      fresh.push(record);
      parts.push(part);
    }
    const arena = RecordArena.copyOf(fresh);
    for (let slot = 0; slot < fresh.length; slot += 1) {
      const record = fresh[slot] as DispatchRecord;
      const part = parts[slot] as PartitionState;
      const bytes = arena.dataBytes(slot);
      if (flow.add(part, record.offset, bytes)) lanes.place(new Entry(part, record.offset, arena, slot, record.attempt, bytes, nowMs), lanes.ordersByKey ? arena.keyLatin1(slot) : null);
    }
    for (const part of highest.keys()) flow.update(part);
    flow.updateTotal(this.ctx.parts());
    this.ctx.pump();
  }

  /**
   * Takes fetched records, already copied into an arena (`offsets[slot]` the offset of each; it
   * is taken over): they are tracked and counted now (and the partition paused if due), and
   * queued in their lanes in the next turn of the event loop, so the fetch loop sends its next
   * request first and that work overlaps the broker's answer. Records the partition holds already
   * (a re-fetch) are left out.
   */
  enqueueArena(topic: string, partition: number, arena: RecordArena, offsets: number[]): void {
    const { clock, flow } = this.ctx;
    const part = this.ctx.partitionFor(topic, partition);
    let any = false;
    for (let slot = 0; slot < offsets.length; slot += 1) {
      // -1: not tracked (held already; Kafka never repeats an offset, but if it did, run it once)
      if (!flow.add(part, offsets[slot] as number, arena.dataBytes(slot))) offsets[slot] = -1;
      else any = true;
    }
    if (any) {
      this.pending.push({ part, arena, offsets, enqueuedAtMs: clock.now() });
      if (!this.placeScheduled) {
        this.placeScheduled = true;
        setImmediate(this.placePending);
      }
    }
    flow.update(part);
    flow.updateTotal(this.ctx.parts());
  }

  /** Queues the records of the batches `enqueueArena` took. */
  private readonly placePending = (): void => {
    this.placeScheduled = false;
    const batches = this.pending;
    this.pending = [];
    const lanes = this.ctx.lanes;
    const byKey = lanes.ordersByKey;
    for (const { part, arena, offsets, enqueuedAtMs } of batches) {
      // a revoked partition's records were dropped with it
      if (part.revoked) continue;
      for (let slot = 0; slot < offsets.length; slot += 1) {
        const offset = offsets[slot] as number;
        if (offset < 0) continue;
        lanes.place(new Entry(part, offset, arena, slot, 1, arena.dataBytes(slot), enqueuedAtMs), byKey ? arena.keyLatin1(slot) : null);
      }
    }
    this.ctx.pump();
  };
}
