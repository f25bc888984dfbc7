/** How the dispatcher orders records: per key (default), per partition, or not at all. */
export const ORDERING_MODES = ['key', 'partition', 'unordered'] as const;
export type OrderingMode = (typeof ORDERING_MODES)[number];

// A dispatcher has one mode, so key lanes and the partition lane never share a lane map.
const PARTITION_LANE = '';

/**
 * The lane a record must run in order within, scoped to its topic-partition, or undefined when
 * it may run independently of every other record. The key comes as latin1 text
 * (`RecordArena.keyLatin1`: a char per byte, so keys compare by bytes); a keyless record (null)
 * has nothing to be ordered against, so it is independent. Only key mode reads the key.
 */
export function laneOf(keyLatin1: string | null, mode: OrderingMode): string | undefined {
  switch (mode) {
    case 'key':
      return keyLatin1 ?? undefined;
    case 'partition':
      return PARTITION_LANE;
    case 'unordered':
      return undefined;
  }
}
