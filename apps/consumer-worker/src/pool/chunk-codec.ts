import type { PooledRecord } from './executor.js';
import { RecordArena } from './record-arena.js';

/*
 * Wire format of a chunk of records on its way to a worker thread. The records' bytes are
 * already in shared arenas (`RecordArena`, one per fetched batch), so a chunk is only an index:
 * a small Float64Array moved with a transfer list, plus the arenas it points into (shared, not
 * copied) and the strings many records share (topics, header names). Packing costs a few
 * numbers per record, whatever the record's size.
 */

/** A chunk of records ready to post to a worker thread: transfer `index`; the arenas are shared. */
export interface PackedChunk {
  count: number;
  topics: string[];
  arenas: SharedArrayBuffer[];
  arenaHeaderNames: Array<readonly string[]>;
  /** Per arena, the buffer its record bytes are in when not its own (see `RecordArena.data`). */
  arenaData: Array<SharedArrayBuffer | undefined>;
  /** `RECORD_SLOTS` float64s per record. */
  index: ArrayBuffer;
}

/** A record as unpacked in the worker thread: Buffers are views over its arena. */
export interface ChunkRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Epoch ms. */
  timestamp: number;
  attempt: number;
  /** Records of one chunk with the same non-zero tag must run in order (one ordering key); 0: independent. */
  orderTag: number;
  key: Buffer | null;
  value: Buffer | null;
  /** UTF-8 text of each header; a repeated header keeps its last value. */
  headers: Record<string, string>;
}

// topic, partition, offset, attempt, order tag, arena, slot in the arena
const RECORD_SLOTS = 7;

/** Packs records (with their order tags, default all 0: independent) for a worker thread. */
export function packChunk(records: readonly PooledRecord[], orderTags?: ArrayLike<number>): PackedChunk {
  const count = records.length;
  const index = new Float64Array(count * RECORD_SLOTS);
  const topics: string[] = [];
  const arenas: SharedArrayBuffer[] = [];
  const arenaHeaderNames: Array<readonly string[]> = [];
  const arenaData: Array<SharedArrayBuffer | undefined> = [];
  const arenaLookup = new Map<RecordArena, number>();
  // Consecutive records mostly share a topic and an arena: compare with the last before a lookup.
  let lastTopic: string | undefined;
  let topicIndex = -1;
  let lastArena: RecordArena | undefined;
  let arenaIndex = -1;
  for (let i = 0; i < count; i += 1) {
    const record = records[i] as PooledRecord;
    if (record.topic !== lastTopic) {
      lastTopic = record.topic;
      topicIndex = topics.indexOf(record.topic);
      if (topicIndex < 0) topicIndex = topics.push(record.topic) - 1;
    }
    if (record.arena !== lastArena) {
      lastArena = record.arena;
      let known = arenaLookup.get(record.arena);
      if (known === undefined) {
        known = arenas.push(record.arena.buffer) - 1;
        arenaHeaderNames.push(record.arena.headerNames);
        arenaData.push(record.arena.data);
        arenaLookup.set(record.arena, known);
      }
      arenaIndex = known;
    }
    const slot = i * RECORD_SLOTS;
    index[slot] = topicIndex;
    index[slot + 1] = record.partition;
    index[slot + 2] = record.offset;
    index[slot + 3] = record.attempt;
    index[slot + 4] = orderTags === undefined ? 0 : (orderTags[i] as number);
    index[slot + 5] = arenaIndex;
    index[slot + 6] = record.slot;
  }
  return { count, topics, arenas, arenaHeaderNames, arenaData, index: index.buffer };
}

/**
 * Reads a packed chunk in place: numbers straight from the index, bytes from the arenas, text
 * decoded on request. The worker builds handler records from it without an intermediate object
 * per record.
 */
export class ChunkView {
  readonly count: number;
  private readonly index: Float64Array;
  private readonly topics: readonly string[];
  private readonly arenas: RecordArena[];
  /** Set once the chunk's handlers are done: its record bytes may be reused from then on. */
  private closed = false;

  constructor(chunk: PackedChunk) {
    this.count = chunk.count;
    this.index = new Float64Array(chunk.index);
    this.topics = chunk.topics;
    this.arenas = chunk.arenas.map((buffer, i) => RecordArena.attach(buffer, chunk.arenaHeaderNames[i] ?? [], chunk.arenaData[i]));
  }

  topic(i: number): string {
    return this.topics[this.index[i * RECORD_SLOTS] as number] as string;
  }

  partition(i: number): number {
    return this.index[i * RECORD_SLOTS + 1] as number;
  }

  offset(i: number): number {
    return this.index[i * RECORD_SLOTS + 2] as number;
  }

  attempt(i: number): number {
    return this.index[i * RECORD_SLOTS + 3] as number;
  }

  orderTag(i: number): number {
    return this.index[i * RECORD_SLOTS + 4] as number;
  }

  timestamp(i: number): number {
    return this.arenaOf(i).timestampMs(this.slotOf(i));
  }

  key(i: number): Buffer | null {
    return this.bytesOf(i).key(this.slotOf(i));
  }

  keyText(i: number): string | null {
    return this.bytesOf(i).keyText(this.slotOf(i));
  }

  value(i: number): Buffer | null {
    return this.bytesOf(i).value(this.slotOf(i));
  }

  headers(i: number): Record<string, string> {
    return this.bytesOf(i).headersText(this.slotOf(i));
  }

  /**
   * The chunk's handlers are done: the consumer may reuse the memory its records' bytes are in
   * (0030), so a record's key, value or headers read after this would be another record's.
   * Reading one throws instead.
   */
  close(): void {
    this.closed = true;
  }

  private arenaOf(i: number): RecordArena {
    return this.arenas[this.index[i * RECORD_SLOTS + 5] as number] as RecordArena;
  }

  /** The arena of record `i`, to read its bytes: only until `close`. */
  private bytesOf(i: number): RecordArena {
    if (this.closed) {
      throw new Error(
        `record ${this.topic(i)}[${this.partition(i)}]@${this.offset(i)}: its key, rawValue and headers can be read only while its handler runs ` +
          '(the memory they are in is reused after): read them in handle() and keep copies of what you need later',
      );
    }
    return this.arenaOf(i);
  }

  private slotOf(i: number): number {
    return this.index[i * RECORD_SLOTS + 6] as number;
  }
}

/** Reads a packed chunk into records; keys and values are views over its arenas, not copies. */
export function unpackChunk(chunk: PackedChunk): ChunkRecord[] {
  const view = new ChunkView(chunk);
  const records = new Array<ChunkRecord>(view.count);
  for (let i = 0; i < view.count; i += 1) {
    records[i] = {
      topic: view.topic(i),
      partition: view.partition(i),
      offset: view.offset(i),
      timestamp: view.timestamp(i),
      attempt: view.attempt(i),
      orderTag: view.orderTag(i),
      key: view.key(i),
      value: view.value(i),
      headers: view.headers(i),
    };
  }
  return records;
}
