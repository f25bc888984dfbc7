import { AppError } from '@lagscale/kafka-core/errors';

/** Where one acknowledged record was stored. */
export interface RecordPosition {
  partition: number;
  offset: number;
}

/** The broker's answer for one partition of a produce request (kafkajs `RecordMetadata`). */
export interface PartitionAck {
  partition: number;
  errorCode: number;
  baseOffset?: string | undefined;
}

/**
 * The offset of every record of one produce request, in request order. A request writes each
 * partition's records as one record batch, which the broker appends whole with consecutive
 * offsets from `baseOffset`, in the order given; so the n-th record for a partition sits at
 * baseOffset + n. Throws INTERNAL if an acknowledgement is missing: that would be a bug, and
 * guessing an offset would be a lie.
 */
export function recordPositions(partitions: readonly number[], acks: readonly PartitionAck[]): RecordPosition[] {
  const next = new Map<number, bigint>();
  for (const ack of acks) {
    if (ack.errorCode === 0 && ack.baseOffset !== undefined && /^\d+$/.test(ack.baseOffset)) next.set(ack.partition, BigInt(ack.baseOffset));
  }
  return partitions.map((partition) => {
    const offset = next.get(partition);
    if (offset === undefined) {
      throw new AppError('INTERNAL', `no acknowledged offset for partition ${partition} in the produce response`, { retriable: false });
    }
    next.set(partition, offset + 1n);
    // Exact up to 2^53: some 285 years of a million records a second on one partition.
    return { partition, offset: Number(offset) };
  });
}
