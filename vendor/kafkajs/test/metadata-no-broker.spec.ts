import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

type MetadataFn = (this: unknown, options?: { topics?: string[] }) => Promise<unknown>;
const Cluster = requireSrc('./cluster/index.js') as { prototype: { metadata: MetadataFn } };
const createRetry = requireSrc('./retry/index.js') as (options: Record<string, unknown>) => unknown;

/** A cluster whose metadata is cached but whose every broker fails the metadata request. */
function clusterWhereNoBrokerAnswers(answer: unknown) {
  return {
    retrier: createRetry({ retries: 0 }),
    brokerPool: {
      refreshMetadataIfNecessary: async () => undefined,
      withBroker: async () => answer,
    },
  };
}

describe('cluster.metadata() when no broker answers', () => {
  it('fails with a connection error (retriable), not a TypeError in the caller', async () => {
    const error = await Cluster.prototype.metadata.call(clusterWhereNoBrokerAnswers(null)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'KafkaJSConnectionError', retriable: true });
    expect((error as Error).message).toMatch(/No broker of the cluster answered a metadata request/);
  });

  it('returns what a broker answered', async () => {
    const metadata = { topicMetadata: [{ topic: 'a' }] };
    await expect(Cluster.prototype.metadata.call(clusterWhereNoBrokerAnswers(metadata))).resolves.toBe(metadata);
  });
});
