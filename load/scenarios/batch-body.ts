// What every scenario sends: one `POST /v1/topics/:topic/records` body per request. Plain
// TypeScript with no imports, so the k6 scripts (k6 runs it in its own JavaScript engine, without
// Node) and the vegeta runner build the very same bytes.

/** Header names of producer-gen's sequence stamp (kafka-core's SEQUENCE_HEADERS; a spec keeps them equal). */
export const LOAD_SEQUENCE_HEADERS = {
  producerId: 'lagscale-producer-id',
  seq: 'lagscale-seq',
} as const;

/** The shape of the records of one batch. */
export interface RecordShape {
  /** Records per request. */
  batchSize: number;
  /** Distinct keys (`user-0` … `user-<keys-1>`), spread evenly over the records. */
  keys: number;
  /** Length of the `note` text in each value, to size records; 0 for none. */
  paddingBytes: number;
}

export const defaultRecordShape = { batchSize: 100, keys: 1_000, paddingBytes: 0 } satisfies RecordShape;

const ACTIONS = ['view', 'click', 'add_to_cart', 'checkout', 'search'] as const;
const PAGES = ['/', '/search', '/product', '/cart', '/checkout', '/account'] as const;
const DEVICES = ['desktop', 'mobile', 'tablet'] as const;

// A small integer hash (murmur3's finaliser): deterministic values without a random generator,
// so a batch is a pure function of its first sequence number.
function mix(seq: number): number {
  let h = seq | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function pick<T>(values: readonly T[], n: number): T {
  return values[n % values.length] as T;
}

/** The value of record `seq`: a user event of about 120 bytes as JSON, plus padding. */
export function recordValue(seq: number, shape: RecordShape, atMs: number): Record<string, string | number> {
  const h = mix(seq);
  const value: Record<string, string | number> = {
    user: `user-${seq % shape.keys}`,
    action: pick(ACTIONS, h),
    page: pick(PAGES, h >>> 4),
    device: pick(DEVICES, h >>> 8),
    amount: (h % 10_000) / 100,
    ts: atMs,
  };
  if (shape.paddingBytes > 0) value.note = 'x'.repeat(shape.paddingBytes);
  return value;
}

/**
 * The JSON body of one request: `batchSize` records numbered from `firstSeq`, keyed by user, each
 * stamped with the run's producer id and its sequence number (kept by consumer-worker's
 * pass-through outputs, which is how pipeline-e2e pairs an output with its input).
 */
export function batchBody(producerId: string, firstSeq: number, shape: RecordShape, atMs: number): string {
  const records = new Array<string>(shape.batchSize);
  for (let i = 0; i < shape.batchSize; i += 1) {
    const seq = firstSeq + i;
    const headers = `{"${LOAD_SEQUENCE_HEADERS.producerId}":${JSON.stringify(producerId)},"${LOAD_SEQUENCE_HEADERS.seq}":"${seq}"}`;
    records[i] = `{"key":"user-${seq % shape.keys}","value":${JSON.stringify(recordValue(seq, shape, atMs))},"headers":${headers}}`;
  }
  return `{"records":[${records.join(',')}]}`;
}

/** The ingest path of a topic, relative to the gateway's base URL. */
export function ingestPath(topic: string): string {
  return `/v1/topics/${encodeURIComponent(topic)}/records`;
}
