import type { HandlerRecord } from '../handlers/handler.js';
import type { ChunkView } from './chunk-codec.js';

const UNREAD = Symbol('unread');

/**
 * A record of a chunk as its handler gets it: the numbers are fields, and `key`, `rawValue` and
 * `headers` are read from the arena the first time the handler asks for them (then kept), so a
 * handler that reads none of them (noop, cpu) costs no string, Buffer view or headers object per
 * record. A handler sees the same values as from a plain object and may set any field; the
 * accessors are on the prototype, so `{ ...record }` and `Object.keys(record)` list the plain
 * fields only, while `JSON.stringify(record)` gives every field (`toJSON`).
 */
export class LazyRecord implements HandlerRecord {
  readonly #chunk: ChunkView;
  readonly #at: number;
  #key: string | null | typeof UNREAD = UNREAD;
  #rawValue: Buffer | null | typeof UNREAD = UNREAD;
  #headers: Readonly<Record<string, string>> | typeof UNREAD = UNREAD;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  attempt: number;
  value: unknown;

  /**
   * Record `at` of `chunk`, with its value already decoded (undefined for a handler that does not
   * read values); `rawValue` and `headers` when the caller read them already (to decode the value).
   */
  constructor(chunk: ChunkView, at: number, value: unknown, rawValue?: Buffer | null, headers?: Record<string, string>) {
    this.#chunk = chunk;
    this.#at = at;
    this.topic = chunk.topic(at);
    this.partition = chunk.partition(at);
    this.offset = chunk.offset(at);
    this.timestamp = chunk.timestamp(at);
    this.attempt = chunk.attempt(at);
    this.value = value;
    if (rawValue !== undefined) this.#rawValue = rawValue;
    if (headers !== undefined) this.#headers = headers;
  }

  get key(): string | null {
    if (this.#key === UNREAD) this.#key = this.#chunk.keyText(this.#at);
    return this.#key;
  }

  set key(key: string | null) {
    this.#key = key;
  }

  get rawValue(): Buffer | null {
    if (this.#rawValue === UNREAD) this.#rawValue = this.#chunk.value(this.#at);
    return this.#rawValue;
  }

  set rawValue(rawValue: Buffer | null) {
    this.#rawValue = rawValue;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.#headers === UNREAD) this.#headers = this.#chunk.headers(this.#at);
    return this.#headers;
  }

  set headers(headers: Readonly<Record<string, string>>) {
    this.#headers = headers;
  }

  /** Every field, in the order of `HandlerRecord`, as a plain object would serialize. */
  toJSON(): HandlerRecord {
    const { topic, partition, offset, timestamp, attempt, key, value, rawValue, headers } = this;
    return { topic, partition, offset, timestamp, attempt, key, value, rawValue, headers };
  }
}

// enumerable, as the fields of a plain record are (for `for...in` and `expect(...).toMatchObject`)
for (const name of ['key', 'rawValue', 'headers'] as const) {
  Object.defineProperty(LazyRecord.prototype, name, { ...Object.getOwnPropertyDescriptor(LazyRecord.prototype, name), enumerable: true });
}
