import type { CodecName } from '@lagscale/codecs/value';
import { AppError } from '@lagscale/kafka-core/thread';

/**
 * One record as a handler sees it, in a worker thread. The value is already decoded with the
 * codec its `content-type` header names (JSON when it has none); a tombstone's value is null.
 * `key`, `rawValue` and `headers` are read from the record's bytes the first time they are read
 * (accessors on the record's prototype, then kept), so a handler pays only for what it reads:
 * every field reads, sets and serializes (`JSON.stringify`) as on a plain object, but a spread
 * (`{ ...record }`) or `Object.keys(record)` lists the other fields only; copy fields by name.
 * Read them while the handler runs (in `handle`, or before its promise settles): the memory they
 * are read from is reused once the record's chunk is done, so reading one for the first time after
 * that throws. What was read stays valid, except `rawValue`, a view into that memory.
 */
export interface HandlerRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Record timestamp, epoch ms. */
  timestamp: number;
  /** 1 on the first try; higher on retries of the same record. */
  attempt: number;
  /** The key as UTF-8 text, or null. */
  key: string | null;
  /** The decoded value; undefined for a handler that declares `readsValue: false`. */
  value: unknown;
  /**
   * The undecoded value bytes: a view into memory shared with the consumer's main thread, valid
   * only while the handler runs (copy it to keep it). Lets a handler pass a record on byte for byte.
   */
  rawValue: Buffer | null;
  /** Headers as UTF-8 text; for a repeated header the last value wins. */
  headers: Readonly<Record<string, string>>;
}

/**
 * A record a handler asks to produce, to the output topic unless `topic` names another.
 * `value` is encoded with `codec` (json by default); null produces a tombstone. The worker sets
 * the `content-type` header from the codec unless `headers` already has one.
 */
export interface HandlerOutput {
  topic?: string;
  key?: string | Buffer | null;
  value: unknown;
  codec?: CodecName;
  headers?: Record<string, string | Buffer>;
}

export type HandlerResult = HandlerOutput[] | void;

/** The keys of one partition the group took away from this member, as `Handler.revoke` gets them. */
export interface RevokedKeys {
  topic: string;
  partition: number;
  /** Every key (UTF-8 text, null for keyless records) of the partition this thread ran since it got it. */
  keys: ReadonlyArray<string | null>;
}

/**
 * Processes records one at a time, in order, inside one worker thread. Throwing (or rejecting)
 * fails the record: the dispatcher retries it with backoff and dead-letters it in the end.
 * An error whose `retriable` is false says retrying cannot help (the record is not what the
 * handler expects): the record goes to the dead-letter topic at once, without retries, and its
 * key's later records go on. Throw `invalidRecord(message)` for that; codec errors
 * (`CodecError`, e.g. from decoding `rawValue` yourself) are non-retriable too.
 * Whatever state a handler keeps is per thread: records of one key may run on any thread.
 *
 * Keyed state changes that (on by default for a module that exports `stateful = true`, see
 * `HandlerModule`): every record of a key runs on one thread for as long as its partition stays
 * assigned, so per-key state is exact inside a replica, and `revoke` says which keys leave.
 */
export interface Handler {
  handle(record: HandlerRecord): HandlerResult | Promise<HandlerResult>;
  /**
   * Keyed state only: the group took a partition away from this member. Called once per revoked
   * partition on every thread that ran records of it, after every record of it that thread was
   * given, with the keys that leave. Flush their state here (return what to produce, e.g. open
   * windows marked partial) and forget it: the partition's next owner starts from the last commit
   * with empty state. Outputs go out like any other (best effort: nothing is committed for them).
   * A throw is logged and the keys' state counts as lost.
   */
  revoke?(revoked: RevokedKeys): HandlerResult | Promise<HandlerResult>;
  /**
   * False when `handle` never reads `record.value`: the worker then skips decoding values (the
   * record's `value` is undefined), which also means no record is ever reported undecodable.
   * Default true.
   */
  readonly readsValue?: boolean;
}

/**
 * The default export of a handler module: called once per worker thread with the handler
 * options (all strings, from env/flags), before the thread's first record.
 */
export type HandlerFactory = (options: Record<string, string>) => Handler | Promise<Handler>;

/** The shape of a module that `loadHandler` accepts. */
export interface HandlerModule {
  default: HandlerFactory;
  /**
   * True when the handler keeps per-key state (windows, counts per key): keyed state is then on
   * by default (`CONSUMER_KEYED_STATE=auto`). Read in the main thread, which imports the module
   * for it without calling the factory.
   */
  stateful?: boolean;
}

/**
 * The error for a record a handler can never process (its value is not what the handler reads):
 * dead-lettered at once instead of retried. Code `RECORD_INVALID`, `retriable` false.
 */
export function invalidRecord(message: string, cause?: unknown): AppError {
  return new AppError('RECORD_INVALID', message, { retriable: false, ...(cause === undefined ? {} : { cause }) });
}

/**
 * True for an error that says retrying cannot help: `retriable === false` (an AppError, a
 * CodecError, or any error so marked). Not kafkajs's errors: kafkajs marks a request whose own
 * retries ran out `retriable: false`, which says only that kafkajs stopped trying; the broker
 * may answer the next attempt.
 */
export function isNonRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { retriable, name } = error as { retriable?: unknown; name?: unknown };
  return retriable === false && !(typeof name === 'string' && name.startsWith('KafkaJS'));
}
