import { isUtf8 } from 'node:buffer';
import { CONTENT_TYPE_HEADER } from '@lagscale/codecs';
import { defaultValueLimits, VALUE_ENCODINGS, type ValueEncoding } from './value-encoding.js';

/** One record of a scanned body: its fields read, its value left in place as a byte range. */
export interface ScannedRecord {
  key: string | null;
  /** The value's JSON text is `bytes[valueStart, valueEnd)` of the body. */
  valueStart: number;
  valueEnd: number;
  /** True when the value's text has no whitespace between its tokens. */
  valueCompact: boolean;
  headers: Record<string, string> | undefined;
  partition: number | undefined;
  valueEncoding: ValueEncoding | undefined;
}

/**
 * A request body read once, in place: what `POST /v1/topics/:topic/records` receives when the
 * body is the common case (see `scanRequestBody`). The raw bytes stay, so a JSON value can be
 * stored as the client's own text without being parsed and written again.
 */
export class ScannedBody {
  constructor(
    readonly bytes: Buffer,
    readonly records: ScannedRecord[],
    readonly valueEncoding: ValueEncoding | undefined,
  ) {}

  /** The body as text, for the reference path (JSON.parse and the schema). */
  text(): string {
    return this.bytes.toString('utf8');
  }
}

export interface ScanLimits {
  maxRecordsPerRequest: number;
  /** Deepest nesting of a value (the value itself is level 1). */
  maxDepth?: number;
}

// Byte values the scanner looks at.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const ENCODINGS: ReadonlySet<string> = new Set(VALUE_ENCODINGS);

/** Names the scanner matches on bytes, without making a string of every key it reads. */
const NAMES = ['records', 'valueEncoding', 'key', 'value', 'headers', 'partition', '__proto__', 'constructor'] as const;
type Name = (typeof NAMES)[number];
const NAMES_BY_LENGTH: Array<Array<{ name: Name; bytes: Uint8Array }> | undefined> = [];
for (const name of NAMES) (NAMES_BY_LENGTH[name.length] ??= []).push({ name, bytes: Buffer.from(name, 'latin1') });
/** Bit of each record field, to refuse a repeated one; 0 for a name that is not one. */
function recordFieldBit(name: Name | undefined): number {
  switch (name) {
    case 'key':
      return 1;
    case 'value':
      return 2;
    case 'headers':
      return 4;
    case 'partition':
      return 8;
    case 'valueEncoding':
      return 16;
    default:
      return 0;
  }
}

/**
 * Buffer's own decoders, without `toString`'s argument handling (a third of the scan's time went
 * there): Node's Buffer has had them since its first release, and its own `toString` calls them.
 */
interface SlicingBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Strings decoded for one record's header slots, kept to be reused by the next record's. */
interface HeaderSlot {
  nameStart: number;
  nameEnd: number;
  name: string;
  valueStart: number;
  valueEnd: number;
  value: string;
}

/** Thrown (one shared instance, no stack) when the body is not the common case. */
const NOT_COMMON = { notCommon: true } as const;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isHex(byte: number): boolean {
  return (byte >= ZERO && byte <= NINE) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/**
 * Reads a request body in one pass over its bytes, checking everything the schema and the value
 * rules check, and returns it as records with their values left in place. Returns undefined for
 * anything but the common case: a body that is not valid UTF-8 JSON, breaks a rule, repeats a
 * field, nests deeper than the limit, holds a number JSON cannot store, or names a key that
 * JSON.parse or secure-json-parse treat apart (`__proto__`, `constructor`, or any key written
 * with escapes). The caller then takes the reference path (JSON.parse and the schema), whose
 * answer names the problem; so this changes speed, never an answer (a spec holds it to that).
 */
export function scanRequestBody(bytes: Buffer, limits: ScanLimits): ScannedBody | undefined {
  if (!isUtf8(bytes)) return undefined;
  const scanner = new Scanner(bytes, limits.maxDepth ?? defaultValueLimits.maxDepth);
  try {
    return scanner.body(limits.maxRecordsPerRequest);
  } catch (err) {
    if (err === NOT_COMMON) return undefined;
    throw err;
  }
}

class Scanner {
  private readonly bytes: SlicingBuffer;
  private pos = 0;
  /** Header names and values of the records so far, by position: records mostly repeat them. */
  private readonly slots: HeaderSlot[] = [];
  /** Set by `stringEnd`: whether the string just read holds an escape, or a byte past ASCII. */
  private escaped = false;
  private nonAscii = false;
  /** How many runs of whitespace were skipped so far. */
  private spaced = 0;

  constructor(
    bytes: Buffer,
    private readonly maxDepth: number,
  ) {
    this.bytes = bytes as SlicingBuffer;
  }

  body(maxRecords: number): ScannedBody {
    let records: ScannedRecord[] | undefined;
    let encoding: ValueEncoding | undefined;
    let seenEncoding = false;
    this.expect(OPEN_BRACE);
    if (this.peek() === CLOSE_BRACE) throw NOT_COMMON;
    for (;;) {
      const field = this.knownKey();
      if (field === 'records' && records === undefined) records = this.records(maxRecords);
      else if (field === 'valueEncoding' && !seenEncoding) {
        encoding = this.encoding();
        seenEncoding = true;
      } else throw NOT_COMMON;
      if (!this.more(CLOSE_BRACE)) break;
    }
    this.skipWhitespace();
    if (this.pos !== this.bytes.length || records === undefined) throw NOT_COMMON;
    return new ScannedBody(this.bytes, records, encoding);
  }

  private records(maxRecords: number): ScannedRecord[] {
    const records: ScannedRecord[] = [];
    this.expect(OPEN_BRACKET);
    if (this.peek() === CLOSE_BRACKET) throw NOT_COMMON;
    for (;;) {
      if (records.length === maxRecords) throw NOT_COMMON;
      records.push(this.record());
      if (!this.more(CLOSE_BRACKET)) return records;
    }
  }

  private record(): ScannedRecord {
    const record: ScannedRecord = { key: null, valueStart: -1, valueEnd: -1, valueCompact: true, headers: undefined, partition: undefined, valueEncoding: undefined };
    let seen = 0;
    this.expect(OPEN_BRACE);
    if (this.peek() === CLOSE_BRACE) throw NOT_COMMON;
    for (;;) {
      const field = this.knownKey();
      const bit = recordFieldBit(field);
      if (bit === 0 || (seen & bit) !== 0) throw NOT_COMMON;
      seen |= bit;
      switch (field) {
        case 'key':
          record.key = this.stringOrNull();
          break;
        case 'value':
          this.skipWhitespace();
          record.valueStart = this.pos;
          {
            const spaced = this.spaced;
            this.value(1);
            record.valueCompact = this.spaced === spaced;
          }
          record.valueEnd = this.pos;
          break;
        case 'headers':
          record.headers = this.headers();
          break;
        case 'partition':
          record.partition = this.partition();
          break;
        default:
          record.valueEncoding = this.encoding();
      }
      if (!this.more(CLOSE_BRACE)) break;
    }
    if ((seen & recordFieldBit('value')) === 0) throw NOT_COMMON;
    return record;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    this.expect(OPEN_BRACE);
    if (this.peek() === CLOSE_BRACE) {
      this.pos += 1;
      return headers;
    }
    for (let index = 0; ; index += 1) {
      const slot = this.slots[index] ?? { nameStart: 0, nameEnd: 0, name: '', valueStart: 0, valueEnd: 0, value: '' };
      this.slots[index] = slot;
      const name = this.headerName(slot);
      // Repeated names are legal JSON whose last value wins in JSON.parse; not worth the bother here.
      if (Object.hasOwn(headers, name)) throw NOT_COMMON;
      this.skipWhitespace();
      if (this.bytes[this.pos] !== QUOTE) throw NOT_COMMON;
      headers[name] = this.headerValue(slot);
      if (!this.more(CLOSE_BRACE)) return headers;
    }
  }

  private partition(): number {
    this.skipWhitespace();
    const start = this.pos;
    this.number();
    const partition = Number(this.bytes.latin1Slice(start, this.pos));
    if (!Number.isSafeInteger(partition) || partition < 0) throw NOT_COMMON;
    return partition;
  }

  private encoding(): ValueEncoding {
    this.skipWhitespace();
    if (this.bytes[this.pos] !== QUOTE) throw NOT_COMMON;
    const name = this.string();
    if (!ENCODINGS.has(name)) throw NOT_COMMON;
    return name as ValueEncoding;
  }

  private stringOrNull(): string | null {
    this.skipWhitespace();
    if (this.bytes[this.pos] === QUOTE) return this.string();
    this.literal('null');
    return null;
  }

  /**
   * An object key followed by its colon, as one of the names the scanner knows or undefined for
   * any other. Keys JSON.parse or secure-json-parse treat apart (`__proto__`, `constructor`) and
   * keys written with escapes are refused, wherever they are.
   */
  private knownKey(): Name | undefined {
    this.skipWhitespace();
    if (this.bytes[this.pos] !== QUOTE) throw NOT_COMMON;
    const start = this.pos + 1;
    const end = this.stringEnd(start);
    if (this.escaped) throw NOT_COMMON;
    const name = this.nameAt(start, end);
    if (name === '__proto__' || name === 'constructor') throw NOT_COMMON;
    this.expect(COLON);
    return name;
  }

  private nameAt(start: number, end: number): Name | undefined {
    const length = end - start;
    const candidates = NAMES_BY_LENGTH[length];
    if (candidates === undefined) return undefined;
    const { bytes } = this;
    for (const known of candidates) {
      let k = 0;
      while (k < length && bytes[start + k] === known.bytes[k]) k += 1;
      if (k === length) return known.name;
    }
    return undefined;
  }

  /** A header name: any key but the reserved and refused ones, decoded (or the slot's, if the same bytes). */
  private headerName(slot: HeaderSlot): string {
    this.skipWhitespace();
    if (this.bytes[this.pos] !== QUOTE) throw NOT_COMMON;
    const start = this.pos + 1;
    const end = this.stringEnd(start);
    if (this.escaped) throw NOT_COMMON;
    let name: string;
    if (this.sameBytes(start, end, slot.nameStart, slot.nameEnd)) name = slot.name;
    else {
      name = this.nonAscii ? this.bytes.utf8Slice(start, end) : this.bytes.latin1Slice(start, end);
      // (lengths first: most names are none of these)
      if (name.length === CONTENT_TYPE_HEADER.length && name.toLowerCase() === CONTENT_TYPE_HEADER) throw NOT_COMMON;
      if ((name.length === 9 || name.length === 11) && (name === '__proto__' || name === 'constructor')) throw NOT_COMMON;
      slot.name = name;
    }
    slot.nameStart = start;
    slot.nameEnd = end;
    this.expect(COLON);
    return name;
  }

  /** A header's string value at `pos`, decoded (or the slot's, if the same bytes and no escapes). */
  private headerValue(slot: HeaderSlot): string {
    const start = this.pos + 1;
    const end = this.stringEnd(start);
    let value: string;
    if (this.escaped) value = JSON.parse(this.bytes.utf8Slice(start - 1, end + 1)) as string;
    else if (this.sameBytes(start, end, slot.valueStart, slot.valueEnd)) value = slot.value;
    else value = this.nonAscii ? this.bytes.utf8Slice(start, end) : this.bytes.latin1Slice(start, end);
    // only an escape-free value is kept, as its bytes are its text; an escaped one empties the
    // slot (a kept range never ends at 0: the body starts with "{")
    slot.value = value;
    slot.valueStart = this.escaped ? 0 : start;
    slot.valueEnd = this.escaped ? 0 : end;
    return value;
  }

  /** Whether two ranges of the body hold the same bytes (an empty earlier range matches nothing). */
  private sameBytes(start: number, end: number, otherStart: number, otherEnd: number): boolean {
    const length = end - start;
    if (length !== otherEnd - otherStart || otherEnd === 0) return false;
    const { bytes } = this;
    for (let k = 0; k < length; k += 1) if (bytes[start + k] !== bytes[otherStart + k]) return false;
    return true;
  }

  /** A string value at `pos` (its opening quote), decoded. */
  private string(): string {
    const start = this.pos + 1;
    const end = this.stringEnd(start);
    if (this.escaped) return JSON.parse(this.bytes.utf8Slice(start - 1, end + 1)) as string;
    return this.nonAscii ? this.bytes.utf8Slice(start, end) : this.bytes.latin1Slice(start, end);
  }

  /** Finds the closing quote of a string whose text starts at `start`; leaves `pos` after it. */
  private stringEnd(start: number): number {
    const { bytes } = this;
    let escaped = false;
    let nonAscii = false;
    let i = start;
    for (;;) {
      if (i >= bytes.length) throw NOT_COMMON;
      const byte = bytes[i] as number;
      if (byte === QUOTE) break;
      if (byte < 0x20) throw NOT_COMMON;
      if (byte === BACKSLASH) {
        escaped = true;
        const next = bytes[i + 1];
        if (next === 0x75) {
          if (!isHex(bytes[i + 2] ?? 0) || !isHex(bytes[i + 3] ?? 0) || !isHex(bytes[i + 4] ?? 0) || !isHex(bytes[i + 5] ?? 0)) throw NOT_COMMON;
          i += 6;
          continue;
        }
        if (next !== QUOTE && next !== BACKSLASH && next !== 0x2f && next !== 0x62 && next !== 0x66 && next !== 0x6e && next !== 0x72 && next !== 0x74) throw NOT_COMMON;
        i += 2;
        continue;
      }
      if (byte >= 0x80) nonAscii = true;
      i += 1;
    }
    this.escaped = escaped;
    this.nonAscii = nonAscii;
    this.pos = i + 1;
    return i;
  }

  /** Any JSON value at `pos` (after whitespace), `depth` levels down; leaves `pos` after it. */
  private value(depth: number): void {
    const byte = this.bytes[this.pos];
    if (byte === QUOTE) {
      this.stringEnd(this.pos + 1);
      return;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (depth > this.maxDepth) throw NOT_COMMON;
      this.pos += 1;
      const close = byte === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      if (this.peek() === close) {
        this.pos += 1;
        return;
      }
      for (;;) {
        if (close === CLOSE_BRACE) this.knownKey();
        this.skipWhitespace();
        this.value(depth + 1);
        if (!this.more(close)) return;
      }
    }
    if (byte === 0x74) this.literal('true');
    else if (byte === 0x66) this.literal('false');
    else if (byte === 0x6e) this.literal('null');
    else this.number();
  }

  /**
   * A number by JSON's grammar; one that would not stay finite as a double (1e400, 400 digits) is
   * refused, as JSON.parse would turn it into Infinity.
   */
  private number(): void {
    const { bytes } = this;
    const start = this.pos;
    let i = start;
    if (bytes[i] === MINUS) i += 1;
    const intStart = i;
    if (bytes[i] === ZERO) i += 1;
    else i = this.digits(i);
    if (i === intStart) throw NOT_COMMON;
    let exact = i - start < 16;
    if (bytes[i] === DOT) {
      const fracStart = i + 1;
      i = this.digits(fracStart);
      if (i === fracStart) throw NOT_COMMON;
    }
    const e = bytes[i];
    if (e === 0x65 || e === 0x45) {
      exact = false;
      i += 1;
      if (bytes[i] === PLUS || bytes[i] === MINUS) i += 1;
      const expStart = i;
      i = this.digits(i);
      if (i === expStart) throw NOT_COMMON;
    }
    this.pos = i;
    if (!exact && !Number.isFinite(Number(bytes.latin1Slice(start, i)))) throw NOT_COMMON;
  }

  private digits(from: number): number {
    const { bytes } = this;
    let i = from;
    while (i < bytes.length && (bytes[i] as number) >= ZERO && (bytes[i] as number) <= NINE) i += 1;
    return i;
  }

  private literal(text: 'true' | 'false' | 'null'): void {
    for (let k = 0; k < text.length; k += 1) {
      if (this.bytes[this.pos + k] !== text.charCodeAt(k)) throw NOT_COMMON;
    }
    this.pos += text.length;
  }

  /** After a member: true on a comma (another follows), false on `close` (consumed). */
  private more(close: number): boolean {
    this.skipWhitespace();
    const byte = this.bytes[this.pos];
    this.pos += 1;
    if (byte === COMMA) return true;
    if (byte === close) return false;
    throw NOT_COMMON;
  }

  private expect(byte: number): void {
    this.skipWhitespace();
    if (this.bytes[this.pos] !== byte) throw NOT_COMMON;
    this.pos += 1;
  }

  /** The next byte after whitespace, not consumed. */
  private peek(): number | undefined {
    this.skipWhitespace();
    return this.bytes[this.pos];
  }

  private skipWhitespace(): void {
    const { bytes } = this;
    if (this.pos >= bytes.length || !isWhitespace(bytes[this.pos] as number)) return;
    this.spaced += 1;
    do this.pos += 1;
    while (this.pos < bytes.length && isWhitespace(bytes[this.pos] as number));
  }
}

