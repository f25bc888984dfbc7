import { builtInPartitioner, checkedPartition, type LoadedPartitioner } from '@lagscale/kafka-core/partitioner';

export interface PlaceableRecord {
  key: string | null;
  value?: Buffer | null;
  partition: number | undefined;
}

/** The highest partition a record asks for by number, with its index; undefined when none does. */
export function highestRequestedPartition(records: readonly PlaceableRecord[]): { index: number; partition: number } | undefined {
  let highest: { index: number; partition: number } | undefined;
  records.forEach((record, index) => {
    if (record.partition !== undefined && (highest === undefined || record.partition > highest.partition)) {
      highest = { index, partition: record.partition };
    }
  });
  return highest;
}

const murmur2 = builtInPartitioner('murmur2');

/**
 * The partition of each record, in request order: the one it names, else the partitioner's
 * (murmur2 by default: the Java client's partition for its key). Under murmur2, keyless records
 * of one request share `keylessPartition` (Java's sticky partitioner does the same per batch):
 * fewer partitions touched means fewer record batches and fewer ways for a request to
 * half-succeed; other partitioners place every record themselves. Callers check requested
 * partitions against `partitionCount` first.
 */
export function placeRecords<R extends PlaceableRecord>(
  records: readonly R[],
  target: { topic: string; partitionCount: number; keylessPartition: number; partitioner?: LoadedPartitioner },
): Array<R & { partition: number }> {
  const { topic, partitionCount, keylessPartition } = target;
  const partitioner = target.partitioner ?? murmur2;
  return records.map((record) => {
    if (record.partition !== undefined) return { ...record, partition: record.partition };
    if (record.key === null && !partitioner.placesKeyless) return { ...record, partition: keylessPartition };
    return { ...record, partition: checkedPartition(partitioner, { topic, partitionCount, key: record.key, value: record.value ?? null }) };
  });
}
