import type { HandlerRecord } from '@lagscale/consumer-worker/handlers';

/** Header a test sets to single out records for the testing handlers. */
export const TEST_MARKER_HEADER = 'lagscale-test-marker';

/**
 * Whether a record carries `marker`: in the `lagscale-test-marker` header, as its whole string
 * value, or as the `marker` field of an object value.
 */
export function hasMarker(record: HandlerRecord, marker: string): boolean {
  if (record.headers[TEST_MARKER_HEADER] === marker) return true;
  const { value } = record;
  if (typeof value === 'string') return value === marker;
  return typeof value === 'object' && value !== null && (value as { marker?: unknown }).marker === marker;
}
