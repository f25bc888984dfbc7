import type { RecordArena } from '../pool/record-arena.js';

/** How the dispatcher orders records: per key (default), per partition, or not at all. */
export const ORDERING_MODES = ['key', 'partition', 'unordered'] as const;
export type OrderingMode = (typeof ORDERING_MODES)[number];

// A dispatcher has one mode, so key lanes and the partition lane never share a lane map.
const PARTITION_LANE = 0;
// Lane ids stay small integers (V8 Smis): a map keyed by them hashes no string and boxes no number.
const LANE_ID_MASK = 0x3fff_ffff;

/**
 * The id of a key's lane: a 30-bit hash of its bytes (`RecordArena.keyHash`), or null for a
 * keyless record. Keys that share a hash share a lane: they run one after another, each key still
 * in its own order, only with less parallelism between the two (about one pair in 10^9). Unlike a
 * string of the key, it costs no allocation per record.
 */
export function laneKeyOf(arena: Pick<RecordArena, 'keyHash'>, slot: number): number | null {
  const hash = arena.keyHash(slot);
  return hash === undefined ? null : hash & LANE_ID_MASK;
}

/**
 * The lane a record must run in order within, scoped to its topic-partition, or undefined when
 * it may run independently of every other record. The key comes as its lane key (`laneKeyOf`);
 * a keyless record (null) has nothing to be ordered against, so it is independent. Only key mode
 * reads the key.
 */
export function laneOf(laneKey: number | null, mode: OrderingMode): number | undefined {
  switch (mode) {
    case 'key':
      return laneKey ?? undefined;
    case 'partition':
      return PARTITION_LANE;
    case 'unordered':
      return undefined;
  }
}
