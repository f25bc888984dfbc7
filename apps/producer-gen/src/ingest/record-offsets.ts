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
  // Plain numbers: exact up to 2^53, some 285 years of a million records a second on one
  // partition; past it no JSON number could say the offset, so it is refused like a missing one.
  const next = new Map<number, number>();
  for (const ack of acks) {
    if (ack.errorCode !== 0 || ack.baseOffset === undefined || !/^\d+$/.test(ack.baseOffset)) continue;
    const base = Number(ack.baseOffset);
    if (Number.isSafeInteger(base)) next.set(ack.partition, base);
  }
  const positions = new Array<RecordPosition>(partitions.length);
  for (let i = 0; i < partitions.length; i += 1) {
    const partition = partitions[i] as number;
    const offset = next.get(partition);
    if (offset === undefined || !Number.isSafeInteger(offset)) {
      throw new AppError('INTERNAL', `no acknowledged offset for partition ${partition} in the produce response`, { retriable: false });
    }
    next.set(partition, offset + 1);
    positions[i] = { partition, offset };
  }
  return positions;
}
