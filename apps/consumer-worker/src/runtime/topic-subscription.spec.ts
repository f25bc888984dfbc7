import { describe, expect, it } from 'vitest';
import { compileTopicPattern, dlqTopicOf, subscriptionChange, TopicSubscriber, topicsToConsume, type Subscription, type SubscriptionChange } from './topic-subscription.js';

const pattern = (source: string): Subscription => ({ kind: 'pattern', source, pattern: compileTopicPattern(source) });
const none = { outputTopic: undefined, dlqTopic: undefined };

describe('topicsToConsume', () => {
  const rows: Array<{ name: string; subscription: Subscription; existing: string[]; own?: { outputTopic?: string; dlqTopic?: string }; topics: string[] }> = [
    { name: 'one topic: itself, whatever exists', subscription: { kind: 'topic', topic: 'in' }, existing: [], topics: ['in'] },
    { name: 'a pattern matches whole names, sorted', subscription: pattern('orders-.*'), existing: ['orders-us', 'x-orders-eu', 'orders-eu', 'orders'], topics: ['orders-eu', 'orders-us'] },
    { name: 'never internal topics', subscription: pattern('.*'), existing: ['__consumer_offsets', 'a'], topics: ['a'] },
    { name: 'never the dead letters of a matched topic', subscription: pattern('orders.*'), existing: ['orders', 'orders.dlq', 'orders-eu.dlq'], topics: ['orders'] },
    { name: 'never its own output or dead-letter topic', subscription: pattern('.*'), existing: ['a', 'out', 'dead'], own: { outputTopic: 'out', dlqTopic: 'dead' }, topics: ['a'] },
    { name: 'a .dlq topic the pattern names itself when its base does not match', subscription: pattern('audit\\.dlq'), existing: ['audit.dlq'], topics: ['audit.dlq'] },
  ];
  it.each(rows)('$name', ({ subscription, existing, own, topics }) => {
    expect(topicsToConsume(subscription, existing, { ...none, ...own })).toEqual(topics);
  });

  it('names dead-letter topics per input topic unless one is set', () => {
    expect(dlqTopicOf({ dlqTopic: undefined }, 'orders-eu')).toBe('orders-eu.dlq');
    expect(dlqTopicOf({ dlqTopic: 'dead' }, 'orders-eu')).toBe('dead');
  });
});

describe('subscriptionChange', () => {
  it('is null when the topics are the same, else says what came and went', () => {
    expect(subscriptionChange(['a', 'b'], ['a', 'b'])).toBeNull();
    expect(subscriptionChange(['a', 'b'], ['b', 'c'])).toEqual({ topics: ['b', 'c'], added: ['c'], removed: ['a'] });
  });
});

describe('TopicSubscriber', () => {
  function subscriber(subscription: Subscription, lists: string[][]) {
    const calls: Array<{ prepared?: readonly string[]; consumed?: readonly string[]; change?: SubscriptionChange }> = [];
    const s = new TopicSubscriber(
      subscription,
      none,
      {
        listTopics: async () => lists.shift() ?? [],
        prepare: async (topics) => void calls.push({ prepared: topics }),
        consume: async (topics, change) => void calls.push({ consumed: topics, change }),
      },
      { refreshIntervalMs: 60_000, onError: () => undefined },
    );
    return { s, calls };
  }

  it('subscribes a pattern to what matches, then re-subscribes only when the matches change', async () => {
    const { s, calls } = subscriber(pattern('o-.*'), [['o-1'], ['o-1', 'x'], ['o-1', 'o-2']]);
    await s.start();
    await s.refresh();
    await s.refresh();
    await s.stop();
    expect(calls).toEqual([
      { prepared: ['o-1'] },
      { consumed: ['o-1'], change: { topics: ['o-1'], added: ['o-1'], removed: [] } },
      { prepared: ['o-2'] },
      { consumed: ['o-1', 'o-2'], change: { topics: ['o-1', 'o-2'], added: ['o-2'], removed: [] } },
    ]);
    expect(s.topics).toEqual(['o-1', 'o-2']);
  });

  it('runs one refresh at a time: a second call shares the first', async () => {
    const { s, calls } = subscriber(pattern('o-.*'), [['o-1'], ['o-1', 'o-2']]);
    await Promise.all([s.refresh(), s.refresh()]);
    expect(calls.filter((c) => c.consumed)).toHaveLength(1);
  });

  it('keeps the topics it had when consuming the new ones fails, so the next refresh tries again', async () => {
    let fail = true;
    const consumed: string[][] = [];
    const s = new TopicSubscriber(pattern('o-.*'), none, {
      listTopics: async () => ['o-1'],
      prepare: async () => undefined,
      consume: async (topics) => {
        if (fail) throw new Error('broker away');
        consumed.push([...topics]);
      },
    }, { refreshIntervalMs: 60_000, onError: () => undefined });
    await expect(s.refresh()).rejects.toThrow('broker away');
    expect(s.topics).toEqual([]);
    fail = false;
    await s.refresh();
    expect(consumed).toEqual([['o-1']]);
  });
});
