import type { PartitionAck } from './record-offsets.js';

/** A record on its way to Kafka as the producer takes it (kafkajs `Message`). */
export interface CoalescedMessage<R> {
  record: R;
  /** CreateTime, epoch ms as kafkajs wants it (a decimal string). */
  timestamp: string;
}

export interface CoalescerOptions {
  /** Produce calls in flight per topic; requests arriving meanwhile wait and go out together. */
  maxInFlightPerTopic: number;
  /** Approximate bytes one produce call may carry (a single larger request still goes alone). */
  maxBatchBytes: number;
}

export const defaultCoalescerOptions = { maxInFlightPerTopic: 2, maxBatchBytes: 512 * 1024 } satisfies CoalescerOptions;

interface Waiting<R> {
  records: readonly R[];
  timestamp: string;
  bytes: number;
  resolve(acks: PartitionAck[]): void;
  reject(err: unknown): void;
}

interface TopicQueue<R> {
  waiting: Array<Waiting<R>>;
  inFlight: number;
}

/**
 * Merges concurrent ingest requests for a topic into fewer produce calls: while
 * `maxInFlightPerTopic` calls are out, new requests wait, and the next call carries all of them.
 * No timer: under light load every request goes out at once; under heavy load the per-call cost
 * (encoding a produce request, a broker round trip, an acknowledgement) is shared by many.
 *
 * The producer writes each partition's records of one call as one record batch, in the order
 * given, so each request's records of a partition are consecutive there; its acknowledgement is
 * the batch's base offset plus the records of earlier requests in that partition.
 */
export class ProduceCoalescer<R extends { partition: number }> {
  private readonly queues = new Map<string, TopicQueue<R>>();

  constructor(
    private readonly produce: (topic: string, messages: Array<CoalescedMessage<R>>) => Promise<PartitionAck[]>,
    private readonly sizeOf: (record: R) => number,
    private readonly options: CoalescerOptions = defaultCoalescerOptions,
  ) {}

  /** Resolves with this request's acknowledgement per partition, once Kafka acknowledged the call that carried it. */
  send(topic: string, records: readonly R[], timestampMs: number): Promise<PartitionAck[]> {
    let queue = this.queues.get(topic);
    if (queue === undefined) this.queues.set(topic, (queue = { waiting: [], inFlight: 0 }));
    const bytes = records.reduce((sum, record) => sum + this.sizeOf(record), 0);
    const acked = new Promise<PartitionAck[]>((resolve, reject) => {
      queue.waiting.push({ records, timestamp: String(timestampMs), bytes, resolve, reject });
    });
    this.dispatch(topic, queue);
    return acked;
  }

  private dispatch(topic: string, queue: TopicQueue<R>): void {
    while (queue.inFlight < this.options.maxInFlightPerTopic && queue.waiting.length > 0) {
      let bytes = 0;
      let take = 0;
      do {
        bytes += queue.waiting[take]?.bytes ?? 0;
        take += 1;
      } while (take < queue.waiting.length && bytes + (queue.waiting[take]?.bytes ?? 0) <= this.options.maxBatchBytes);
      const batch = queue.waiting.splice(0, take);
      queue.inFlight += 1;
      void this.call(topic, batch).finally(() => {
        queue.inFlight -= 1;
        if (queue.inFlight === 0 && queue.waiting.length === 0) this.queues.delete(topic);
        else this.dispatch(topic, queue);
      });
    }
  }

  private async call(topic: string, batch: ReadonlyArray<Waiting<R>>): Promise<void> {
    const messages: Array<CoalescedMessage<R>> = [];
    for (const request of batch) for (const record of request.records) messages.push({ record, timestamp: request.timestamp });
    let acks: PartitionAck[];
    try {
      acks = await this.produce(topic, messages);
    } catch (err) {
      for (const request of batch) request.reject(err);
      return;
    }
    for (const [i, split] of splitAcks(acks, batch.map((request) => request.records)).entries()) batch[i]?.resolve(split);
  }
}

/**
 * Each request's share of one call's acknowledgements: per partition, the base offset moved past
 * the records of the requests before it. A partition that failed keeps its error code.
 */
export function splitAcks(acks: readonly PartitionAck[], requests: ReadonlyArray<ReadonlyArray<{ partition: number }>>): PartitionAck[][] {
  const next = new Map<number, { ack: PartitionAck; offset: bigint | undefined }>();
  for (const ack of acks) {
    const ok = ack.errorCode === 0 && ack.baseOffset !== undefined && /^\d+$/.test(ack.baseOffset);
    next.set(ack.partition, { ack, offset: ok ? BigInt(ack.baseOffset as string) : undefined });
  }
  return requests.map((records) => {
    const counts = new Map<number, number>();
    for (const record of records) counts.set(record.partition, (counts.get(record.partition) ?? 0) + 1);
    const own: PartitionAck[] = [];
    for (const [partition, count] of counts) {
      const state = next.get(partition);
      if (state === undefined) continue;
      if (state.offset === undefined) {
        own.push(state.ack);
        continue;
      }
      own.push({ partition, errorCode: 0, baseOffset: state.offset.toString() });
      state.offset += BigInt(count);
    }
    return own;
  });
}
