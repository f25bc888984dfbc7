import { describe, expect, it } from 'vitest';
import { TopicPartitionCache } from './topic-partition-cache.js';

function fakeKafka(initial: Record<string, number>) {
  const topics = new Map(Object.entries(initial));
  const lookups: string[] = [];
  return {
    topics,
    lookups,
    lookup: async (topic: string) => {
      lookups.push(topic);
      return topics.get(topic);
    },
  };
}

describe('TopicPartitionCache', () => {
  it('answers from the cache until the entry is older than maxAgeMs', async () => {
    let now = 0;
    const kafka = fakeKafka({ a: 3 });
    const cache = new TopicPartitionCache(kafka.lookup, { maxAgeMs: 1_000, now: () => now });
    expect(await cache.partitionCount('a')).toBe(3);
    kafka.topics.set('a', 6);
    now = 999;
    expect(await cache.partitionCount('a')).toBe(3);
    now = 1_000;
    expect(await cache.partitionCount('a')).toBe(6);
    expect(kafka.lookups).toEqual(['a', 'a']);
  });

  it('asks Kafka on every miss for an unknown topic, so a new topic is found at once', async () => {
    const kafka = fakeKafka({});
    const cache = new TopicPartitionCache(kafka.lookup, { maxAgeMs: 60_000 });
    expect(await cache.partitionCount('new')).toBeUndefined();
    kafka.topics.set('new', 1);
    expect(await cache.partitionCount('new')).toBe(1);
  });

  it('refreshes on request and forgets an invalidated topic', async () => {
    const kafka = fakeKafka({ a: 3 });
    const cache = new TopicPartitionCache(kafka.lookup, { maxAgeMs: 60_000 });
    await cache.partitionCount('a');
    kafka.topics.set('a', 4);
    expect(await cache.partitionCount('a', { refresh: true })).toBe(4);
    kafka.topics.delete('a');
    cache.invalidate('a');
    expect(await cache.partitionCount('a')).toBeUndefined();
    expect(kafka.lookups).toEqual(['a', 'a', 'a']);
  });

  it('shares one lookup among concurrent callers, and a failed lookup is not cached', async () => {
    let calls = 0;
    let fail = true;
    const cache = new TopicPartitionCache(
      async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (fail) throw new Error('broker down');
        return 2;
      },
      { maxAgeMs: 60_000 },
    );
    const results = await Promise.allSettled([cache.partitionCount('a'), cache.partitionCount('a'), cache.partitionCount('a')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toBe(1);
    fail = false;
    expect(await cache.partitionCount('a')).toBe(2);
    expect(calls).toBe(2);
  });
});
