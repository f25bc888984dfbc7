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
  sizes: number[];
  bytes: number;
}

const emptyBuffer = (): PartitionBuffer => ({ messages: [], enqueuedAtMs: [], sizes: [], bytes: 0 });

/**
 * Buffers records per partition the way the Java producer's RecordAccumulator does: a partition
 * is ready when its batch is full (records or bytes) or its oldest record lingered long enough.
 * A drain takes every non-empty partition, at most one batch of each (by records and bytes), so
 * one produce request carries all of them and no batch outgrows the broker's message.max.bytes
 * when records pile up behind a broker that is away.
 */
export class PartitionAccumulator {
  private readonly buffers: PartitionBuffer[];
  private readonly options: AccumulatorOptions;
  private buffered = 0;
  private bufferedBytes = 0;
  private full = false;

  constructor(options: AccumulatorOptions) {
    this.options = options;
    this.buffers = Array.from({ length: options.partitionCount }, emptyBuffer);
  }

  get size(): number {
    return this.buffered;
  }

  /** Bytes of every buffered record (as given to `add`). */
  get bytes(): number {
    return this.bufferedBytes;
  }

  /** Adds a record; returns true when some partition's batch just became full. */
  add(partition: number, message: Message, bytes: number, nowMs: number): boolean {
    const buffer = this.buffers[partition];
    if (buffer === undefined) throw new RangeError(`partition ${partition} is outside 0..${this.buffers.length - 1}`);
    buffer.messages.push(message);
    buffer.enqueuedAtMs.push(nowMs);
    buffer.sizes.push(bytes);
    buffer.bytes += bytes;
    this.buffered += 1;
    this.bufferedBytes += bytes;
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

  /** Takes up to one batch of every partition, oldest records first. */
  drain(): DrainedBatch {
    const partitions: DrainedBatch['partitions'] = [];
    let records = 0;
    let bytes = 0;
    this.full = false;
    for (let partition = 0; partition < this.buffers.length; partition += 1) {
      const buffer = this.buffers[partition];
      if (buffer === undefined || buffer.messages.length === 0) continue;
      const take = this.batchLength(buffer);
      if (take === buffer.messages.length) {
        partitions.push({ partition, messages: buffer.messages, enqueuedAtMs: buffer.enqueuedAtMs });
        records += take;
        bytes += buffer.bytes;
        this.buffers[partition] = emptyBuffer();
        continue;
      }
      const sizes = buffer.sizes.splice(0, take);
      const taken = sizes.reduce((sum, size) => sum + size, 0);
      partitions.push({ partition, messages: buffer.messages.splice(0, take), enqueuedAtMs: buffer.enqueuedAtMs.splice(0, take) });
      records += take;
      bytes += taken;
      buffer.bytes -= taken;
      if (buffer.messages.length >= this.options.batchRecords || buffer.bytes >= this.options.batchBytes) this.full = true;
    }
    this.buffered -= records;
    this.bufferedBytes -= bytes;
    return { partitions, records, bytes };
  }

  // Records of one batch from the front of a partition: at least one, within both limits.
  private batchLength(buffer: PartitionBuffer): number {
    const { batchRecords, batchBytes } = this.options;
    if (buffer.messages.length <= batchRecords && buffer.bytes <= batchBytes) return buffer.messages.length;
    let take = 0;
    let bytes = 0;
    const limit = Math.min(batchRecords, buffer.messages.length);
    while (take < limit && (take === 0 || bytes + (buffer.sizes[take] ?? 0) <= batchBytes)) {
      bytes += buffer.sizes[take] ?? 0;
      take += 1;
    }
    return take;
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
