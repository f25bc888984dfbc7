import type { DispatchRecord } from '../pool/executor.js';

/** How the dispatcher orders records: per key (default), per partition, or not at all. */
export const ORDERING_MODES = ['key', 'partition', 'unordered'] as const;
export type OrderingMode = (typeof ORDERING_MODES)[number];

// A dispatcher has one mode, so key lanes and the partition lane never share a lane map.
const PARTITION_LANE = '';

/**
 * The lane a record must run in order within, scoped to its topic-partition, or undefined when
 * it may run independently of every other record. Keys compare by bytes (latin1 maps each byte
 * to one char); a keyless record has nothing to be ordered against, so it is independent.
 */
export function laneOf(record: Pick<DispatchRecord, 'key'>, mode: OrderingMode): string | undefined {
  return laneOfKeyText(mode === 'key' && record.key !== null ? record.key.toString('latin1') : null, mode);
}

/** `laneOf` for a key already read as latin1 text (null: no key); only key mode looks at it. */
export function laneOfKeyText(keyLatin1: string | null, mode: OrderingMode): string | undefined {
  switch (mode) {
    case 'key':
      return keyLatin1 ?? undefined;
    case 'partition':
      return PARTITION_LANE;
    case 'unordered':
      return undefined;
  }
}
