import kafkajs from 'kafkajs';
import { fromKafkaError } from '@lagscale/kafka-core';
import { IngestError } from './ingest-errors.js';
import { DeadlineExceeded } from './with-deadline.js';

/** How far a request got before Kafka failed it; it decides what the client may assume. */
export type KafkaPhase = 'metadata' | 'produce';

const { KafkaJSError } = kafkajs;

// Broker rejections of a batch too large for message.max.bytes (the request, not Kafka, is at fault).
const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

// kafkajs wraps the broker's error in retry errors; its `type` is on the innermost one.
function kafkaErrorType(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  return undefined;
}

/**
 * The response for a Kafka failure. Never claims a write that Kafka did not acknowledge, and
 * says when records may have been stored anyway (a produce that timed out or failed on some
 * partitions): the client retries at least once, so it may see duplicates, never losses.
 * Messages carry no broker addresses; the cause keeps the details for the log. Undefined when
 * `err` is no Kafka failure at all: a bug, which must surface as one (a 500), not as a 503.
 */
export function ingestErrorFromKafka(err: unknown, context: { topic: string; phase: KafkaPhase }): IngestError | undefined {
  if (err instanceof IngestError) return err;
  const outcome =
    context.phase === 'metadata'
      ? 'no record was sent'
      : 'none of the records is confirmed (some may have been stored; a retry may duplicate them)';
  if (err instanceof DeadlineExceeded) {
    return new IngestError('KAFKA_UNAVAILABLE', `Kafka did not answer within ${err.timeoutMs} ms; ${outcome}`, { cause: err });
  }
  if (!(err instanceof KafkaJSError)) return undefined;
  const type = kafkaErrorType(err);
  if (type !== undefined && TOO_LARGE_TYPES.has(type)) {
    return new IngestError(
      'BATCH_TOO_LARGE',
      `Kafka rejected the records of a partition as too large (${type}); ${outcome}; send fewer or smaller records per request`,
      { cause: err },
    );
  }
  const appError = fromKafkaError(err, { action: `${context.phase} ${context.topic}` });
  if (appError.code === 'TOPIC_NOT_FOUND') {
    return new IngestError('TOPIC_NOT_FOUND', `topic "${context.topic}" does not exist`, { cause: err });
  }
  const reason = appError.code === 'BROKER_UNREACHABLE' ? 'Kafka is unreachable' : `Kafka failed the request${type === undefined ? '' : ` (${type})`}`;
  return new IngestError('KAFKA_UNAVAILABLE', `${reason}; ${outcome}`, { cause: err });
}
