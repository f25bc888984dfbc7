import type { DispatchRecord } from '../pool/executor.js';
import { RecordArena } from '../pool/record-arena.js';
import type { DispatcherClock } from './clock.js';
import type { FetchedMessage } from './dispatcher-contract.js';
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

/** A batch `enqueueFetched` counted, to be copied and queued in the next turn. */
interface PendingBatch {
  part: PartitionState;
  /** Copied already (a fetched record set); else `messages[from..]` is copied in the next turn. */
  arena: RecordArena | undefined;
  messages: readonly FetchedMessage[];
  from: number;
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
      if (flow.add(part, record.offset, bytes)) lanes.place(new Entry(part, record.offset, arena, slot, record.attempt, bytes, nowMs), record);
    }
    for (const part of highest.keys()) flow.update(part);
    flow.updateTotal(this.ctx.parts());
    this.ctx.pump();
  }

  /**
   * Takes the first `count` messages of a kafkajs batch of one partition, the fetch loop's hot
   * path. They are tracked and counted (and the partition paused if due) now; copying their
   * bytes into an arena and queueing them runs in the next turn of the event loop, so the fetch
   * loop sends its next request first and that work overlaps the broker's answer. The messages
   * are not kept past that turn.
   */
  enqueueFetched(topic: string, partition: number, messages: readonly FetchedMessage[], count: number): void {
    const { clock, flow } = this.ctx;
    const part = this.ctx.partitionFor(topic, partition);
    const held = part.tracker.highestAdded ?? -1;
    let from = 0;
    while (from < count && Number((messages[from] as FetchedMessage).offset) <= held) from += 1;
    if (from < count) {
      const first = Number((messages[from] as FetchedMessage).offset);
      // Offsets rise strictly, so first..last spanning exactly the count means no gaps (no
      // compaction, no transaction markers): no need to parse every offset string.
      const dense = Number((messages[count - 1] as FetchedMessage).offset) - first === count - 1 - from;
      const offsets = new Array<number>(count - from);
      for (let i = from; i < count; i += 1) {
        const message = messages[i] as FetchedMessage;
        const offset = dense ? first + i - from : Number(message.offset);
        const bytes = (message.key === null ? 0 : message.key.length) + (message.value === null ? 0 : message.value.length);
        // -1: not tracked (Kafka never repeats an offset within a batch; if it did, run it once)
        offsets[i - from] = flow.add(part, offset, bytes) ? offset : -1;
      }
      this.pending.push({ part, arena: undefined, messages, from, offsets, enqueuedAtMs: clock.now() });
      this.schedulePlace();
    }
    flow.update(part);
    flow.updateTotal(this.ctx.parts());
  }

  /**
   * Takes the records of a fetched record set, already in an arena (`RecordArena.fromSegments`,
   * `offsets[slot]` the offset of each): like `enqueueFetched`, they are tracked and counted now
   * and queued in the next turn. `offsets` is taken over.
   */
  enqueueArena(topic: string, partition: number, arena: RecordArena, offsets: number[]): void {
    const { clock, flow } = this.ctx;
    const part = this.ctx.partitionFor(topic, partition);
    let held = part.tracker.highestAdded ?? -1;
    let any = false;
    for (let slot = 0; slot < offsets.length; slot += 1) {
      const offset = offsets[slot] as number;
      // a re-fetch of records held, or (never from Kafka) an offset repeated: run it once
      if (offset <= held || !flow.add(part, offset, arena.dataBytes(slot))) offsets[slot] = -1;
      else {
        held = offset;
        any = true;
      }
    }
    if (any) {
      this.pending.push({ part, arena, messages: [], from: 0, offsets, enqueuedAtMs: clock.now() });
      this.schedulePlace();
    }
    flow.update(part);
    flow.updateTotal(this.ctx.parts());
  }

  private schedulePlace(): void {
    if (this.placeScheduled) return;
    this.placeScheduled = true;
    setImmediate(this.placePending);
  }

  /** Copies the batches `enqueueFetched` took into arenas and queues their records. */
  private readonly placePending = (): void => {
    this.placeScheduled = false;
    const batches = this.pending;
    this.pending = [];
    const lanes = this.ctx.lanes;
    for (const { part, arena: copied, messages, from, offsets, enqueuedAtMs } of batches) {
      // a revoked partition's records were dropped with it
      if (part.revoked) continue;
      if (copied !== undefined) {
        const byKey = lanes.ordersByKey;
        for (let slot = 0; slot < offsets.length; slot += 1) {
          const offset = offsets[slot] as number;
          if (offset < 0) continue;
          lanes.placeByKeyText(new Entry(part, offset, copied, slot, 1, copied.dataBytes(slot), enqueuedAtMs), byKey ? copied.keyLatin1(slot) : null);
        }
        continue;
      }
      const arena = RecordArena.copyOf(messages, from, from + offsets.length);
      for (let slot = 0; slot < offsets.length; slot += 1) {
        const offset = offsets[slot] as number;
        if (offset < 0) continue;
        this.ctx.lanes.place(new Entry(part, offset, arena, slot, 1, arena.dataBytes(slot), enqueuedAtMs), messages[from + slot] as FetchedMessage);
      }
    }
    this.ctx.pump();
  };
}
