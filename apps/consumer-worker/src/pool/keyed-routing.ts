import type { PooledRecord } from './executor.js';

/**
 * Keyed state: `on` routes every key to one worker thread, `off` lets any thread run any chunk,
 * `auto` (the default) turns it on for handlers that declare per-key state
 * (`export const stateful = true`).
 */
export const KEYED_STATE_MODES = ['auto', 'on', 'off'] as const;
export type KeyedStateMode = (typeof KEYED_STATE_MODES)[number];

/**
 * What picks a record's thread with keyed state: its key (key and unordered ordering; a keyless
 * record goes by its partition), or its partition (partition ordering, whose lane is the whole
 * partition and must stay on one thread).
 */
export type KeyedRoute = 'key' | 'partition';

function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The thread (0 … threads − 1) a record runs on with keyed state: a pure function of its key
 * (or topic and partition), so a key keeps its thread for the life of the pool, across
 * partitions, rebalances and thread restarts.
 */
export function threadOf(record: PooledRecord, threads: number, route: KeyedRoute): number {
  if (threads === 1) return 0;
  const keyHash = route === 'key' ? record.arena.keyHash(record.slot) : undefined;
  const hash = keyHash ?? (textHash(record.topic) + record.partition) >>> 0;
  return hash % threads;
}

/** A chunk's records for one thread: positions in the chunk (ascending), records and order tags. */
export interface ThreadShare {
  thread: number;
  positions: number[];
  records: PooledRecord[];
  tags: number[] | undefined;
}

/**
 * Splits a chunk by thread, keeping each thread's records (and so each key's) in chunk order.
 * Records sharing an order tag share a key (or a partition, with the partition route), so a tag
 * never spans two threads.
 */
export function splitByThread(records: readonly PooledRecord[], orderTags: readonly number[] | undefined, threads: number, route: KeyedRoute): ThreadShare[] {
  const shares = new Map<number, ThreadShare>();
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] as PooledRecord;
    const thread = threadOf(record, threads, route);
    let share = shares.get(thread);
    if (share === undefined) {
      share = { thread, positions: [], records: [], tags: orderTags === undefined ? undefined : [] };
      shares.set(thread, share);
    }
    share.positions.push(i);
    share.records.push(record);
    share.tags?.push(orderTags?.[i] ?? 0);
  }
  return [...shares.values()];
}
