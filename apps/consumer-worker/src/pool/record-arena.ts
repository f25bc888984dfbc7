import type { IHeaders } from 'kafkajs';

/** The fields of a record an arena keeps: kafkajs's `KafkaMessage` and `DispatchRecord` both fit. */
export interface ArenaSource {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders | undefined;
  /** Epoch ms as a decimal string, as kafkajs gives it. */
  timestamp: string;
}

// Layout of an arena's buffer, all numbers float64: a head (record count, header count), an
// index of RECORD_SLOTS per record (key pos, key length, value pos, value length, first header,
// header count, timestamp ms), HEADER_SLOTS per header (name index, value pos, value length),
// then the bytes. A length of -1 means null. A repeated header keeps its last value only: the
// one a handler sees.
const HEAD_SLOTS = 2;
const RECORD_SLOTS = 7;
const HEADER_SLOTS = 3;
const NULL_LENGTH = -1;

type HeaderValue = IHeaders[string];

function lastValue(value: HeaderValue): Buffer | string | undefined {
  if (!Array.isArray(value)) return value;
  return value.length === 0 ? undefined : value[value.length - 1];
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

  private constructor(
    readonly buffer: SharedArrayBuffer,
    readonly headerNames: readonly string[],
  ) {
    const head = new Float64Array(buffer, 0, HEAD_SLOTS);
    this.count = head[0] as number;
    this.index = new Float64Array(buffer, HEAD_SLOTS * 8, this.count * RECORD_SLOTS + (head[1] as number) * HEADER_SLOTS);
    this.bytes = Buffer.from(buffer);
  }

  /** An arena made elsewhere (in another thread), from its buffer and header names. */
  static attach(buffer: SharedArrayBuffer, headerNames: readonly string[]): RecordArena {
    return new RecordArena(buffer, headerNames);
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

  /** Key plus value bytes of a record: what the in-flight byte bound counts. */
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

  /** Headers with Buffer values (views), as kafkajs hands them over. */
  headers(slot: number): IHeaders {
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
    const headers: Record<string, string> = {};
    const at = slot * RECORD_SLOTS;
    const end = (this.index[at + 4] as number) + (this.index[at + 5] as number) * HEADER_SLOTS;
    for (let h = this.index[at + 4] as number; h < end; h += HEADER_SLOTS) {
      const pos = this.index[h + 1] as number;
      headers[this.headerNames[this.index[h] as number] as string] = this.bytes.toString('utf8', pos, pos + (this.index[h + 2] as number));
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
