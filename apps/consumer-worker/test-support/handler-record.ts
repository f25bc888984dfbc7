import type { HandlerRecord } from '@lagscale/consumer-worker/handlers';

/** A handler record for specs: a JSON value and its raw bytes, overridable field by field. */
export function handlerRecord(value: unknown, overrides: Partial<HandlerRecord> = {}): HandlerRecord {
  return {
    topic: 'in',
    partition: 0,
    offset: 0,
    timestamp: 1_700_000_000_000,
    attempt: 1,
    key: 'k',
    value,
    rawValue: value === null ? null : Buffer.from(JSON.stringify(value)),
    headers: {},
    ...overrides,
  };
}
