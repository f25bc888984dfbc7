import type { Message } from 'kafkajs';

export interface AccumulatorOptions {
  /** Records per partition that make a batch ready at once. */
  batchRecords: number;
  /** Encoded bytes per partition that make a batch ready at once. */
  batchBytes: number;
  /** How long the oldest buffered record may wait for its batch to fill. */
  lingerMs: number;
  partitionCount: number;
}

export const defaultAccumulatorOptions = {
  batchRecords: 2_000,
  batchBytes: 512 * 1024,
  lingerMs: 5,
} satisfies Partial<AccumulatorOptions>;

/** One drained request's worth of records, grouped by partition, in the order they were added. */
export interface DrainedBatch {
  partitions: Array<{ partition: number; messages: Message[]; enqueuedAtMs: number[] }>;
  records: number;
  bytes: number;
}

interface PartitionBuffer {
  messages: Message[];
  enqueuedAtMs: number[];
  bytes: number;
}

/**
 * Buffers records per partition the way the Java producer's RecordAccumulator does: a partition
 * is ready when its batch is full (records or bytes) or its oldest record lingered long enough.
 * A drain takes every non-empty partition, so one produce request carries all of them.
 */
export class PartitionAccumulator {
  private readonly buffers: PartitionBuffer[];
  private readonly options: AccumulatorOptions;
  private buffered = 0;
  private full = false;

  constructor(options: AccumulatorOptions) {
    this.options = options;
    this.buffers = Array.from({ length: options.partitionCount }, () => ({ messages: [], enqueuedAtMs: [], bytes: 0 }));
  }

  get size(): number {
    return this.buffered;
  }

  /** Adds a record; returns true when some partition's batch just became full. */
  add(partition: number, message: Message, bytes: number, nowMs: number): boolean {
    const buffer = this.buffers[partition];
    if (buffer === undefined) throw new RangeError(`partition ${partition} is outside 0..${this.buffers.length - 1}`);
    buffer.messages.push(message);
    buffer.enqueuedAtMs.push(nowMs);
    buffer.bytes += bytes;
    this.buffered += 1;
    if (buffer.messages.length >= this.options.batchRecords || buffer.bytes >= this.options.batchBytes) this.full = true;
    return this.full;
  }

  /** True when a batch is full or the oldest buffered record has waited `lingerMs`. */
  isReady(nowMs: number): boolean {
    if (this.buffered === 0) return false;
    if (this.full) return true;
    return this.oldestEnqueuedAt() + this.options.lingerMs <= nowMs;
  }

  /** Milliseconds until the linger of the oldest record expires (0 when ready, Infinity when empty). */
  msUntilReady(nowMs: number): number {
    if (this.buffered === 0) return Infinity;
    if (this.full) return 0;
    return Math.max(0, this.oldestEnqueuedAt() + this.options.lingerMs - nowMs);
  }

  /** Takes everything buffered. */
  drain(): DrainedBatch {
    const partitions: DrainedBatch['partitions'] = [];
    let records = 0;
    let bytes = 0;
    for (let partition = 0; partition < this.buffers.length; partition += 1) {
      const buffer = this.buffers[partition];
      if (buffer === undefined || buffer.messages.length === 0) continue;
      partitions.push({ partition, messages: buffer.messages, enqueuedAtMs: buffer.enqueuedAtMs });
      records += buffer.messages.length;
      bytes += buffer.bytes;
      this.buffers[partition] = { messages: [], enqueuedAtMs: [], bytes: 0 };
    }
    this.buffered = 0;
    this.full = false;
    return { partitions, records, bytes };
  }

  private oldestEnqueuedAt(): number {
    let oldest = Infinity;
    for (const buffer of this.buffers) {
      const first = buffer.enqueuedAtMs[0];
      if (first !== undefined && first < oldest) oldest = first;
    }
    return oldest;
  }
}
