/** How `chunkSize: 'auto'` sizes chunks (docs/decisions/0028). */
export interface AutoChunkOptions {
  /** The time one chunk should keep a thread busy: long enough to spread a chunk's fixed cost, short enough that no chunk holds its records long. */
  targetMs: number;
  minRecords: number;
  maxRecords: number;
  /** Records in the first chunks, before any chunk was measured. */
  initialRecords: number;
}

export const defaultAutoChunkOptions = {
  targetMs: 20,
  minRecords: 1,
  maxRecords: 4_096,
  initialRecords: 32,
} satisfies AutoChunkOptions;

// Weight of the newest chunk in the smoothed time and record count.
const SMOOTHING = 0.25;
// A chunk is at most this many times the size of the one before: a handler that was cheap so far
// may not stay cheap, and a chunk sized for it would then hold a thread for a long time.
const MAX_GROWTH = 2;

/**
 * The records per chunk: fixed, or (`'auto'`) sized from the measured time per record so that a
 * chunk keeps a thread busy about `targetMs`. Cheap handlers get large chunks, which spread the
 * cost of a chunk's trip to a thread (a task, a message, a thread wake-up) over many records;
 * slow handlers get small ones, so a chunk does not hold its records, a drain or the records
 * behind it for seconds. Sizes shrink at once and grow at most `MAX_GROWTH` times per chunk.
 *
 * The time per record is a ratio of smoothed sums (thread time over records), so a chunk whose
 * time was counted with its neighbour's evens out with that neighbour.
 */
export class ChunkSizer {
  readonly #options: AutoChunkOptions;
  readonly #fixed: number | undefined;
  #size: number;
  #ms = 0;
  #records = 0;

  constructor(chunkSize: number | 'auto', options: AutoChunkOptions = defaultAutoChunkOptions) {
    this.#options = options;
    this.#fixed = chunkSize === 'auto' ? undefined : chunkSize;
    this.#size = this.#fixed ?? clamp(options.initialRecords, options.minRecords, options.maxRecords);
  }

  /** Records the next chunk may hold. */
  get size(): number {
    return this.#size;
  }

  /** The smoothed time per record in ms, or undefined before the first measured chunk (or with a fixed size). */
  get msPerRecord(): number | undefined {
    return this.#records > 0 ? this.#ms / this.#records : undefined;
  }

  /** A chunk of `records` records kept a thread busy `ms`. */
  observe(records: number, ms: number): void {
    if (this.#fixed !== undefined || records <= 0 || !(ms >= 0)) return;
    if (this.#records === 0) {
      this.#ms = ms;
      this.#records = records;
    } else {
      this.#ms += SMOOTHING * (ms - this.#ms);
      this.#records += SMOOTHING * (records - this.#records);
    }
    const { targetMs, minRecords, maxRecords } = this.#options;
    const perRecordMs = this.#ms / this.#records;
    const fitting = perRecordMs > 0 ? Math.floor(targetMs / perRecordMs) : maxRecords;
    this.#size = clamp(Math.min(fitting, this.#size * MAX_GROWTH), minRecords, maxRecords);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
