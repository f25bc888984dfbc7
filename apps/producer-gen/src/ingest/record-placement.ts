import { partitionForKey } from '@lagscale/kafka-core/partitioner';

export interface PlaceableRecord {
  key: string | null;
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

/**
 * The partition of each record, in request order: the one it names, else the Java client's
 * partition for its key, else `keylessPartition`. Keyless records of one request share a
 * partition (Java's sticky partitioner does the same per batch): fewer partitions touched means
 * fewer record batches and fewer ways for a request to half-succeed. Callers check requested
 * partitions against `partitionCount` first.
 */
export function placeRecords<R extends PlaceableRecord>(
  records: readonly R[],
  partitionCount: number,
  keylessPartition: number,
): Array<R & { partition: number }> {
  return records.map((record) => {
    if (record.partition !== undefined) return { ...record, partition: record.partition };
    if (record.key !== null) return { ...record, partition: partitionForKey(record.key, partitionCount) };
    return { ...record, partition: keylessPartition };
  });
}
