import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { IngestError } from './ingest-errors.js';
import { ingestErrorFromKafka } from './kafka-failure.js';
import { DeadlineExceeded } from './with-deadline.js';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

function protocolError(type: string, retriable: boolean): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(type.toLowerCase()), { type, retriable }));
}

const refused = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 10.0.0.7:9092'), {
  retryCount: 2,
  retryTime: 500,
});
const maybeStored = 'none of the records is confirmed (some may have been stored; a retry may duplicate them)';

describe('ingestErrorFromKafka', () => {
  it.each([
    {
      name: 'a deadline during the metadata lookup: nothing was sent',
      err: new DeadlineExceeded(4_000),
      phase: 'metadata',
      code: 'KAFKA_UNAVAILABLE',
      message: 'Kafka did not answer within 4000 ms; no record was sent',
    },
    {
      name: 'a deadline during the produce: the records may be stored',
      err: new DeadlineExceeded(4_000),
      phase: 'produce',
      code: 'KAFKA_UNAVAILABLE',
      message: `Kafka did not answer within 4000 ms; ${maybeStored}`,
    },
    { name: 'a refused connection', err: refused, phase: 'produce', code: 'KAFKA_UNAVAILABLE', message: `Kafka is unreachable; ${maybeStored}` },
    {
      name: 'a batch over message.max.bytes',
      err: protocolError('MESSAGE_TOO_LARGE', false),
      phase: 'produce',
      code: 'BATCH_TOO_LARGE',
      message: `Kafka rejected the records of a partition as too large (MESSAGE_TOO_LARGE); ${maybeStored}; send fewer or smaller records per request`,
    },
    {
      name: 'a topic deleted since the lookup',
      err: protocolError('UNKNOWN_TOPIC_OR_PARTITION', true),
      phase: 'produce',
      code: 'TOPIC_NOT_FOUND',
      message: 'topic "t" does not exist',
    },
    {
      name: 'a leader election that outlasted the retries',
      err: new KafkaJSNumberOfRetriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION', true), { retryCount: 5, retryTime: 1_000 }),
      phase: 'produce',
      code: 'KAFKA_UNAVAILABLE',
      message: `Kafka failed the request (NOT_LEADER_FOR_PARTITION); ${maybeStored}`,
    },
  ] as const)('$name → $code', ({ err, phase, code, message }) => {
    const result = ingestErrorFromKafka(err, { topic: 't', phase });
    expect(result).toMatchObject({ code, message });
    expect(result?.cause).toBe(err);
  });

  it('keeps broker addresses out of the client message', () => {
    expect(ingestErrorFromKafka(refused, { topic: 't', phase: 'produce' })?.message).not.toContain('10.0.0.7');
  });

  it('leaves anything that is not a Kafka failure to surface as a bug', () => {
    expect(ingestErrorFromKafka(new TypeError('x is undefined'), { topic: 't', phase: 'produce' })).toBeUndefined();
  });

  it('passes an IngestError through', () => {
    const err = new IngestError('TOPIC_NOT_FOUND', 'x');
    expect(ingestErrorFromKafka(err, { topic: 't', phase: 'metadata' })).toBe(err);
  });
});
