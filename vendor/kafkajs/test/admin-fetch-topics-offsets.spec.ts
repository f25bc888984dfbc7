import { describe, expect, it } from 'vitest';
import type { Admin } from '../types/index.js';
import { requireSrc } from './own-files.js';

const createAdmin = requireSrc('./admin/index.js') as (params: Record<string, unknown>) => Admin;
const { createLogger, LEVELS } = requireSrc('./loggers/index.js') as { createLogger(o: unknown): unknown; LEVELS: { NOTHING: number } };
const silent = () => () => undefined;

type OffsetRequest = Array<{ topic: string; fromBeginning: boolean; partitions: Array<{ partition: number }> }>;

/** An admin over a cluster of two topics whose ListOffsets answers are recorded. */
function adminOverCluster() {
  const partitions: Record<string, number> = { orders: 3, audit: 1 };
  const requests: OffsetRequest[] = [];
  const targets: string[][] = [];
  const cluster = {
    addMultipleTargetTopics: async (topics: string[]) => {
      targets.push(topics);
    },
    refreshMetadataIfNecessary: async () => undefined,
    findTopicPartitionMetadata: (topic: string) => Array.from({ length: partitions[topic] ?? 0 }, (_, partitionId) => ({ partitionId })),
    // One call stands for one ListOffsets per leader broker: every topic of the call in it.
    fetchTopicsOffset: async (request: OffsetRequest) => {
      requests.push(request);
      return request.map(({ topic, fromBeginning, partitions: ps }) => ({
        topic,
        partitions: ps.map(({ partition }) => ({ partition, offset: String(fromBeginning ? partition : 100 + partition) })),
      }));
    },
  };
  const admin = createAdmin({ cluster, logger: createLogger({ level: LEVELS.NOTHING, logCreator: silent }), retry: { retries: 0 } });
  return { admin, requests, targets };
}

describe('admin.fetchTopicsOffsets', () => {
  it('reads every topic in one request per end, not two per topic', async () => {
    const { admin, requests, targets } = adminOverCluster();
    const result = await admin.fetchTopicsOffsets(['orders', 'audit']);
    expect(targets).toEqual([['orders', 'audit']]);
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(request.map((r) => r.topic)).toEqual(['orders', 'audit']);
    expect(requests.map((r) => r[0]?.fromBeginning).sort()).toEqual([false, true]);
    expect(result).toEqual([
      {
        topic: 'orders',
        partitions: [0, 1, 2].map((partition) => ({ partition, offset: String(100 + partition), high: String(100 + partition), low: String(partition) })),
      },
      { topic: 'audit', partitions: [{ partition: 0, offset: '100', high: '100', low: '0' }] },
    ]);
  });

  it('answers no topics without a request, and refuses a bad topic list', async () => {
    const { admin, requests } = adminOverCluster();
    expect(await admin.fetchTopicsOffsets([])).toEqual([]);
    expect(requests).toEqual([]);
    await expect(admin.fetchTopicsOffsets(['orders', ''])).rejects.toThrow(/Invalid topics/);
  });
});
