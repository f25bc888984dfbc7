import type { IHeaders } from 'kafkajs';
import { fnv1a, lastVarintEnd, readVarint, readVarlong, RecordSetError, type RecordSegment } from './record-format.js';

/** The fields of a record an arena keeps: kafkajs's `KafkaMessage` and `DispatchRecord` both fit. */
export interface ArenaSource {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders | undefined;
  /** Epoch ms as a decimal string, as kafkajs gives it. */
  timestamp: string;
}

// Layout of an arena's buffer, all numbers float64: a head (record count, header count, layout,
// byte position of the index), an index of RECORD_SLOTS per record (key pos, key length, value
// pos, value length, first header, header count, timestamp ms, key hash) and HEADER_SLOTS per header (name
// index, value pos, value length), and the bytes. A length of -1 means null. A repeated header
// keeps its last value only: the one a handler sees. INDEXED: head, index, bytes. WIRE (copied
// from a fetched record set): head, Kafka's records as fetched, index; no header slots, and
// "first header" is the byte position of the record's headers, read there when asked for.
// SHARED: as WIRE, but the records stay where they were fetched, in a SharedArrayBuffer of their
// own (`data`: the fetch response, see `fromSegments`); the arena's buffer holds head and index.
const HEAD_SLOTS = 4;
const RECORD_SLOTS = 8;
const HEADER_SLOTS = 3;
const NULL_LENGTH = -1;
const INDEXED = 0;
const WIRE = 1;
/** `fnv1a` of no bytes. */
const EMPTY_KEY_HASH = 0x811c9dc5;
const SHARED = 2;

// `fromSegments` reads the index of records it copies here first (the main thread's only); grown as needed.
let scratchIndex = new Float64Array(0);

type HeaderValue = IHeaders[string];

function lastValue(value: HeaderValue): Buffer | string | undefined {
  if (!Array.isArray(value)) return value;
  return value.length === 0 ? undefined : value[value.length - 1];
}

/** Where the `count` headers starting at `at` end, read without decoding them. */
function wireHeadersEnd(bytes: Buffer, at: number, count: number): number {
  let pos = at;
  for (let h = 0; h < count; h += 1) {
    const nameLength = readVarint(bytes, pos);
    const valueLength = readVarint(bytes, lastVarintEnd() + Math.max(0, nameLength));
    pos = lastVarintEnd() + Math.max(0, valueLength);
  }
  return pos;
}

/** The SharedArrayBuffer every segment's records are a view of, if there is one. */
function sharedBufferOf(segments: readonly RecordSegment[]): SharedArrayBuffer | undefined {
  const buffer = segments[0]?.records.buffer;
  if (!(buffer instanceof SharedArrayBuffer)) return undefined;
  for (const segment of segments) if (segment.records.buffer !== buffer) return undefined;
  return buffer;
}

function sameBytes(bytes: Buffer, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i += 1) if (bytes[aStart + i] !== bytes[bStart + i]) return false;
  return true;
}

/**
 * The bytes of a batch of fetched records (keys, values, headers), copied once, right after the
 * fetch, into one SharedArrayBuffer that worker threads read in place. The fetched message
 * objects (and the fetch response they point into) are garbage at once, as with a plain
 * consumer, instead of living, and being copied by every young-generation GC, until their
 * record is done; a chunk sent to a thread carries a reference to the arena, not the bytes.
 */
export class RecordArena {
  readonly count: number;
  private readonly index: Float64Array;
  private readonly bytes: Buffer;
  private readonly wire: boolean;
  /** The last text headers read from the record bytes, and where those bytes are (WIRE layout). */
  private lastTextHeaders: { start: number; end: number; headers: Record<string, string> } | undefined;

  private constructor(
    readonly buffer: SharedArrayBuffer,
    readonly headerNames: readonly string[],
    /** Where the record bytes are when not in `buffer` (SHARED layout): the fetch response they came in. */
    readonly data: SharedArrayBuffer | undefined = undefined,
  ) {
    const head = new Float64Array(buffer, 0, HEAD_SLOTS);
    this.count = head[0] as number;
    this.wire = head[2] !== INDEXED;
    this.index = new Float64Array(buffer, head[3] as number, this.count * RECORD_SLOTS + (head[1] as number) * HEADER_SLOTS);
    this.bytes = Buffer.from(data ?? buffer);
  }

  /** An arena made elsewhere (in another thread), from its buffer, header names and data buffer. */
  static attach(buffer: SharedArrayBuffer, headerNames: readonly string[], data?: SharedArrayBuffer): RecordArena {
    return new RecordArena(buffer, headerNames, data);
  }

  /** Copies `sources[from..to)` into a new arena; record `i` of it is `sources[from + i]`. */
  static copyOf(sources: readonly ArenaSource[], from = 0, to = sources.length): RecordArena {
    let headerCount = 0;
    let dataBytes = 0;
    for (let i = from; i < to; i += 1) {
      const source = sources[i] as ArenaSource;
      if (source.key !== null) dataBytes += source.key.length;
      if (source.value !== null) dataBytes += source.value.length;
      const headers = source.headers;
      for (const name in headers) {
        const value = lastValue(headers[name]);
        if (value === undefined) continue;
        headerCount += 1;
        dataBytes += typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
      }
    }
    const count = to - from;
    const indexSlots = count * RECORD_SLOTS + headerCount * HEADER_SLOTS;
    const buffer = new SharedArrayBuffer((HEAD_SLOTS + indexSlots) * 8 + dataBytes);
    const head = new Float64Array(buffer, 0, HEAD_SLOTS);
    head[0] = count;
    head[1] = headerCount;
    head[2] = INDEXED;
    head[3] = HEAD_SLOTS * 8;
    const index = new Float64Array(buffer, HEAD_SLOTS * 8, indexSlots);
    const bytes = Buffer.from(buffer);
    const headerNames: string[] = [];
    const nameLookup = new Map<string, number>();
    // Records mostly carry the same headers: compare with the last name before hashing one.
    let lastName = '';
    let lastNameIndex = -1;
    let pos = (HEAD_SLOTS + indexSlots) * 8;
    let header = count * RECORD_SLOTS;
    // Records of one producer batch mostly share a timestamp; parsing one costs tens of ns.
    let lastTimestamp = '';
    let lastTimestampMs = 0;
    for (let i = 0; i < count; i += 1) {
      const { key, value, headers, timestamp } = sources[from + i] as ArenaSource;
      const slot = i * RECORD_SLOTS;
      index[slot] = pos;
      if (key === null) index[slot + 1] = NULL_LENGTH;
      else {
        bytes.set(key, pos);
        index[slot + 1] = key.length;
        index[slot + 7] = fnv1a(key, 0, key.length);
        pos += key.length;
      }
      index[slot + 2] = pos;
      if (value === null) index[slot + 3] = NULL_LENGTH;
      else {
        bytes.set(value, pos);
        index[slot + 3] = value.length;
        pos += value.length;
      }
      index[slot + 4] = header;
      const first = header;
      for (const name in headers) {
        const entry = lastValue(headers[name]);
        if (entry === undefined) continue;
        if (name !== lastName) {
          let nameIndex = nameLookup.get(name);
          if (nameIndex === undefined) {
            nameIndex = headerNames.push(name) - 1;
            nameLookup.set(name, nameIndex);
          }
          lastName = name;
          lastNameIndex = nameIndex;
        }
        index[header] = lastNameIndex;
        index[header + 1] = pos;
        if (typeof entry === 'string') {
          const length = bytes.write(entry, pos, 'utf8');
          index[header + 2] = length;
          pos += length;
        } else {
          bytes.set(entry, pos);
          index[header + 2] = entry.length;
          pos += entry.length;
        }
        header += HEADER_SLOTS;
      }
      index[slot + 5] = (header - first) / HEADER_SLOTS;
      if (timestamp !== lastTimestamp) {
        lastTimestamp = timestamp;
        lastTimestampMs = Number(timestamp);
      }
      index[slot + 6] = lastTimestampMs;
    }
    return new RecordArena(buffer, headerNames);
  }

  /**
   * An arena of the records of fetched record batches, reading per record only its offset,
   * timestamp and the positions of its key, value and headers: the records at or past offset
   * `from`, at most `limit` of them. `offsets[i]` is the offset of slot `i`.
   *
   * When every batch is a view of one SharedArrayBuffer (a fetch response kafkajs assembled with
   * `sharedResponseBuffers`) and the limit takes them all, the arena points into that buffer
   * instead of copying (SHARED layout): it keeps the response alive as long as it lives.
   * Otherwise each batch's bytes are copied in one go into the arena's own buffer (WIRE).
   * `allocateShared` gives a SHARED arena's own buffer (its index) when the caller reuses such
   * buffers; it may be larger than asked.
   */
  static fromSegments(
    segments: readonly RecordSegment[],
    from: number,
    limit: number,
    allocateShared: (bytes: number) => SharedArrayBuffer = (bytes) => new SharedArrayBuffer(bytes),
  ): { arena: RecordArena; offsets: number[] } {
    let total = 0;
    for (const segment of segments) total += segment.count;
    const capacity = Math.min(total, limit);
    // under backpressure (a few records of a megabyte taken) a copy holds less memory
    const shared = total <= limit ? sharedBufferOf(segments) : undefined;
    const dataStart = HEAD_SLOTS * 8;
    // SHARED: the index goes right after the head, so the parse writes it in place. Otherwise
    // only the bytes from the first taken record to the last are copied (a fetch under
    // backpressure may take a few records of a megabyte) and the index goes after them: pass
    // one reads positions into the scratch index as they will be in the arena, and notes each
    // segment's range to copy.
    const sharedArena = shared === undefined ? undefined : allocateShared(dataStart + capacity * RECORD_SLOTS * 8);
    if (sharedArena === undefined && scratchIndex.length < capacity * RECORD_SLOTS) scratchIndex = new Float64Array(Math.max(capacity * RECORD_SLOTS, scratchIndex.length * 2));
    const index = sharedArena === undefined ? scratchIndex : new Float64Array(sharedArena, dataStart, capacity * RECORD_SLOTS);
    const ranges: Array<{ records: Buffer; start: number; end: number; to: number }> = [];
    const offsets: number[] = [];
    let count = 0;
    let dataEnd = dataStart;
    for (const segment of segments) {
      if (count >= limit) break;
      const records = segment.records;
      let at = 0;
      let range: { records: Buffer; start: number; end: number; to: number } | undefined;
      // from a position in `records` to one in the arena's bytes
      let delta = shared === undefined ? 0 : records.byteOffset;
      for (let r = 0; r < segment.count && count < limit; r += 1) {
        const length = readVarint(records, at);
        const start = lastVarintEnd();
        const end = start + length;
        const timestampDelta = readVarlong(records, start + 1);
        const offset = segment.baseOffset + readVarint(records, lastVarintEnd());
        const keyLength = readVarint(records, lastVarintEnd());
        const keyAt = lastVarintEnd();
        const valueLength = readVarint(records, keyAt + Math.max(0, keyLength));
        const valueAt = lastVarintEnd();
        const headerCount = readVarint(records, valueAt + Math.max(0, valueLength));
        if (end > records.length || valueAt + Math.max(0, valueLength) > end) throw new RecordSetError(`corrupt record at offset ${offset}: its fields run past its length`);
        if (offset >= from) {
          if (range === undefined && shared === undefined) {
            range = { records, start: at, end, to: dataEnd };
            ranges.push(range);
            delta = dataEnd - at;
          }
          if (range !== undefined) range.end = end;
          const slot = count * RECORD_SLOTS;
          index[slot] = keyAt + delta;
          index[slot + 1] = keyLength < 0 ? NULL_LENGTH : keyLength;
          index[slot + 2] = valueAt + delta;
          index[slot + 3] = valueLength < 0 ? NULL_LENGTH : valueLength;
          index[slot + 4] = lastVarintEnd() + delta;
          index[slot + 5] = headerCount;
          index[slot + 6] = segment.logAppendTime ?? segment.baseTimestamp + timestampDelta;
          // hashed here, where the key's bytes are read anyway, instead of per lookup
          index[slot + 7] = keyLength > 0 ? fnv1a(records, keyAt, keyAt + keyLength) : EMPTY_KEY_HASH;
          offsets.push(offset);
          count += 1;
        }
        at = end;
      }
      if (range !== undefined) dataEnd = range.end + delta;
    }
    if (sharedArena !== undefined) {
      // records before `from` (a fetch from inside a record batch) leave slots at the end unused
      new Float64Array(sharedArena, 0, HEAD_SLOTS).set([count, 0, SHARED, dataStart]);
      return { arena: new RecordArena(sharedArena, [], shared), offsets };
    }
    const indexAt = Math.ceil(dataEnd / 8) * 8;
    const buffer = new SharedArrayBuffer(indexAt + count * RECORD_SLOTS * 8);
    const bytes = Buffer.from(buffer);
    for (const { records, start, end, to } of ranges) bytes.set(records.subarray(start, end), to);
    new Float64Array(buffer, indexAt, count * RECORD_SLOTS).set(index.subarray(0, count * RECORD_SLOTS));
    const head = new Float64Array(buffer, 0, HEAD_SLOTS);
    head[0] = count;
    head[1] = 0;
    head[2] = WIRE;
    head[3] = indexAt;
    return { arena: new RecordArena(buffer, []), offsets };
  }

  /** Key plus value bytes of a record: what the bound on uncommitted bytes counts. */
  dataBytes(slot: number): number {
    const at = slot * RECORD_SLOTS;
    return Math.max(0, this.index[at + 1] as number) + Math.max(0, this.index[at + 3] as number);
  }

  timestampMs(slot: number): number {
    return this.index[slot * RECORD_SLOTS + 6] as number;
  }

  /** A view of the key bytes (valid as long as the arena is referenced), or null. */
  key(slot: number): Buffer | null {
    return this.view(slot * RECORD_SLOTS);
  }

  /** The key as UTF-8 text, without making a view first. */
  keyText(slot: number): string | null {
    const at = slot * RECORD_SLOTS;
    const length = this.index[at + 1] as number;
    if (length === NULL_LENGTH) return null;
    const pos = this.index[at] as number;
    return this.bytes.toString('utf8', pos, pos + length);
  }

  value(slot: number): Buffer | null {
    return this.view(slot * RECORD_SLOTS + 2);
  }

  /**
   * A 32-bit FNV-1a hash of the key's bytes (`fnv1a`, computed as the arena is made), or
   * undefined for a null key: keyed state routes a key to a thread by it (`keyed-routing`) and
   * the dispatcher a record to its lane (`laneKeyOf`), without making a string of the key.
   */
  keyHash(slot: number): number | undefined {
    const at = slot * RECORD_SLOTS;
    return this.index[at + 1] === NULL_LENGTH ? undefined : (this.index[at + 7] as number);
  }

  /** The key's bytes as latin1 text (a char per byte): keys that compare by bytes. */
  keyLatin1(slot: number): string | null {
    const at = slot * RECORD_SLOTS;
    const length = this.index[at + 1] as number;
    if (length === NULL_LENGTH) return null;
    const pos = this.index[at] as number;
    return this.bytes.toString('latin1', pos, pos + length);
  }

  /** Headers with Buffer values (views), as kafkajs hands them over. */
  headers(slot: number): IHeaders {
    if (this.wire) return this.wireHeaders(slot, false) as IHeaders;
    const headers: IHeaders = {};
    const at = slot * RECORD_SLOTS;
    const end = (this.index[at + 4] as number) + (this.index[at + 5] as number) * HEADER_SLOTS;
    for (let h = this.index[at + 4] as number; h < end; h += HEADER_SLOTS) {
      const pos = this.index[h + 1] as number;
      headers[this.headerNames[this.index[h] as number] as string] = this.bytes.subarray(pos, pos + (this.index[h + 2] as number));
    }
    return headers;
  }

  /** Headers as UTF-8 text, as handlers see them. */
  headersText(slot: number): Record<string, string> {
    if (this.wire) return this.wireHeaders(slot, true) as Record<string, string>;
    const headers: Record<string, string> = {};
    const at = slot * RECORD_SLOTS;
    const end = (this.index[at + 4] as number) + (this.index[at + 5] as number) * HEADER_SLOTS;
    for (let h = this.index[at + 4] as number; h < end; h += HEADER_SLOTS) {
      const pos = this.index[h + 1] as number;
      headers[this.headerNames[this.index[h] as number] as string] = this.bytes.toString('utf8', pos, pos + (this.index[h + 2] as number));
    }
    return headers;
  }

  /** Headers read from the record's bytes (WIRE layout); a null value is left out, as an undefined one is in the indexed layout. */
  private wireHeaders(slot: number, text: boolean): Record<string, string | Buffer> {
    const at = slot * RECORD_SLOTS;
    const count = this.index[at + 5] as number;
    const start = this.index[at + 4] as number;
    if (!text || count === 0) return this.readWireHeaders(start, count, text);
    // Records of a batch mostly carry the same header bytes (a content type): when they equal the
    // last record's, a copy of its text headers saves decoding names and values again. A copy,
    // so a handler that changes its record's headers changes no other record's.
    const end = wireHeadersEnd(this.bytes, start, count);
    const last = this.lastTextHeaders;
    if (last !== undefined && sameBytes(this.bytes, last.start, last.end, start, end)) return { ...last.headers };
    const headers = this.readWireHeaders(start, count, true) as Record<string, string>;
    this.lastTextHeaders = { start, end, headers };
    return { ...headers };
  }

  private readWireHeaders(start: number, count: number, text: boolean): Record<string, string | Buffer> {
    const headers: Record<string, string | Buffer> = {};
    let pos = start;
    for (let h = 0; h < count; h += 1) {
      const nameLength = readVarint(this.bytes, pos);
      const nameAt = lastVarintEnd();
      const name = this.bytes.toString('utf8', nameAt, nameAt + Math.max(0, nameLength));
      const valueLength = readVarint(this.bytes, nameAt + Math.max(0, nameLength));
      const valueAt = lastVarintEnd();
      pos = valueAt + Math.max(0, valueLength);
      if (valueLength < 0) continue;
      headers[name] = text ? this.bytes.toString('utf8', valueAt, pos) : this.bytes.subarray(valueAt, pos);
    }
    return headers;
  }

  private view(at: number): Buffer | null {
    const length = this.index[at + 1] as number;
    if (length === NULL_LENGTH) return null;
    const pos = this.index[at] as number;
    return this.bytes.subarray(pos, pos + length);
  }
}
