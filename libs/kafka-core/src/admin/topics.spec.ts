import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { ensureTopic } from './topics.js';

/** A kafkajs error as the broker's answer arrives: a protocol error with its type. */
function protocolError(type: string): Error {
  return Object.assign(new Error(`broker says ${type}`), { name: 'KafkaJSProtocolError', type, retriable: true });
}

/**
 * The admin calls ensureTopic makes, answered from a script: `createTopics` fails as given, and
 * the topic shows in the metadata (with leaders) from the `visibleAfter`-th metadata call on.
 */
function scriptedAdmin(options: { createError: Error; visibleAfter: number; partitions: number }) {
  let metadataCalls = 0;
  let created = false;
  const admin = {
    listTopics: async () => (created ? ['t'] : []),
    createTopics: async () => {
      created = true;
      throw options.createError;
    },
    fetchTopicMetadata: async () => {
      metadataCalls += 1;
      if (metadataCalls < options.visibleAfter) throw protocolError('UNKNOWN_TOPIC_OR_PARTITION');
      return { topics: [{ name: 't', partitions: Array.from({ length: options.partitions }, (_, partitionId) => ({ partitionId, leader: 1 })) }] };
    },
  };
  return { admin: admin as unknown as Admin, metadataCalls: () => metadataCalls };
}

describe('ensureTopic when the broker is slow to show a topic it created', () => {
  it('waits for the topic it created instead of calling it missing', async () => {
    const { admin, metadataCalls } = scriptedAdmin({ createError: protocolError('UNKNOWN_TOPIC_OR_PARTITION'), visibleAfter: 3, partitions: 2 });
    await expect(ensureTopic(admin, { topic: 't', partitions: 2 })).resolves.toEqual({ topic: 't', created: true, partitions: 2 });
    expect(metadataCalls()).toBe(3);
  });

  it('still fails on any other broker error', async () => {
    const { admin } = scriptedAdmin({ createError: protocolError('POLICY_VIOLATION'), visibleAfter: 1, partitions: 1 });
    const attempt = ensureTopic(admin, { topic: 't', partitions: 1 });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'KAFKA_REQUEST_FAILED' });
  });
});
