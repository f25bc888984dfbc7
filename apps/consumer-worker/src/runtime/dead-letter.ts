import type { Message } from 'kafkajs';
import type { DispatchRecord } from '../pool/index.js';

/** Headers a dead-lettered record carries, besides its own; the names live here only. */
export const DLQ_HEADERS = {
  error: 'lagscale-dlq-error',
  attempts: 'lagscale-dlq-attempts',
  topic: 'lagscale-dlq-original-topic',
  partition: 'lagscale-dlq-original-partition',
  offset: 'lagscale-dlq-original-offset',
  timestamp: 'lagscale-dlq-original-timestamp',
  failedAt: 'lagscale-dlq-failed-at',
} as const;

/** The dead-letter message of a record: its key, value and headers as read, plus why and where from. */
export function deadLetterMessage(record: DispatchRecord, reason: string, attempts: number, nowMs = Date.now()): Message {
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.error]: reason.slice(0, 1_000),
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.topic]: record.topic,
      [DLQ_HEADERS.partition]: String(record.partition),
      [DLQ_HEADERS.offset]: String(record.offset),
      [DLQ_HEADERS.timestamp]: record.timestamp,
      [DLQ_HEADERS.failedAt]: new Date(nowMs).toISOString(),
    },
  };
}
