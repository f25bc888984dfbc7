import kafkajs, { type Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createCollector } from './collector.js';
import type { CollectorOptions } from './collector-options.js';

const { AssignerProtocol } = kafkajs;

interface FakeGroup {
  state: string;
  members?: Array<Record<string, number[]>>;
  /** topic → [partition, committed offset] pairs */
  commits?: Record<string, Array<[number, number]>>;
}

interface FakeCluster {
  /** topic → [start, end] per partition */
  topics: Record<string, Array<[number, number]>>;
  groups: Record<string, FakeGroup>;
}

type AdminMethod = 'fetchTopicMetadata' | 'listGroups' | 'describeGroups' | 'fetchOffsets' | 'fetchTopicOffsets' | 'fetchTopicsOffsets';

const kafkaError = (name: string, message: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), { name, ...extra });

/** The few admin calls the collector makes, answered from `cluster`, counted per method. */
function fakeAdmin(cluster: FakeCluster, overrides: Partial<Record<AdminMethod, (...args: never[]) => Promise<unknown>>> = {}) {
  const calls: Record<AdminMethod, number> = { fetchTopicMetadata: 0, listGroups: 0, describeGroups: 0, fetchOffsets: 0, fetchTopicOffsets: 0, fetchTopicsOffsets: 0 };
  const methods: Record<AdminMethod, (...args: never[]) => Promise<unknown>> = {
    fetchTopicMetadata: async () => ({ topics: Object.keys(cluster.topics).map((name) => ({ name, partitions: [] })) }),
    listGroups: async () => ({ groups: Object.keys(cluster.groups).map((groupId) => ({ groupId, protocolType: 'consumer' })) }),
    describeGroups: async (groupIds: string[]) => ({
      groups: groupIds.map((groupId) => {
        const group = cluster.groups[groupId];
        return {
          groupId,
          state: group?.state ?? 'Dead',
          protocol: '',
          protocolType: 'consumer',
          members: (group?.members ?? []).map((assignment, i) => ({
            memberId: `m${i}`,
            clientId: 'c',
            clientHost: '/127.0.0.1',
            memberMetadata: Buffer.alloc(0),
            memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
          })),
        };
      }),
    }),
    fetchOffsets: async ({ groupId, topics }: { groupId: string; topics?: string[] }) => {
      // Naming topics would cost a metadata round trip each: the collector asks for all commits.
      if (topics !== undefined && topics.length > 0) throw new Error('fetchOffsets called with topics');
      return Object.entries(cluster.groups[groupId]?.commits ?? {}).map(([topic, pairs]) => ({
        topic,
        partitions: pairs.map(([partition, offset]) => ({ partition, offset: String(offset), metadata: null })),
      }));
    },
    fetchTopicOffsets: async (topic: string) => {
      const ranges = cluster.topics[topic];
      if (ranges === undefined) throw kafkaError('KafkaJSProtocolError', 'This server does not host this topic-partition', { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      return ranges.map(([start, end], partition) => ({ partition, offset: String(end), high: String(end), low: String(start) }));
    },
    // One request per end for every topic; one unknown topic fails the whole call, as on a broker.
    fetchTopicsOffsets: async (topics: string[]) =>
      topics.map((topic) => {
        const ranges = cluster.topics[topic];
        if (ranges === undefined) throw kafkaError('KafkaJSProtocolError', 'This server does not host this topic-partition', { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
        return { topic, partitions: ranges.map(([start, end], partition) => ({ partition, offset: String(end), high: String(end), low: String(start) })) };
      }),
    ...overrides,
  };
  const admin = Object.fromEntries(
    (Object.keys(methods) as AdminMethod[]).map((name) => [
      name,
      (...args: never[]) => {
        calls[name] += 1;
        return methods[name](...args);
      },
    ]),
  ) as unknown as Admin;
  return { admin, calls };
}

const options = (overrides: Partial<CollectorOptions> = {}): CollectorOptions => ({ groups: [], topics: [], timeoutMs: 5_000, ...overrides });

const sharedCluster: FakeCluster = {
  topics: { orders: [[0, 100], [0, 50]], audit: [[10, 20]] },
  groups: {
    'billing': { state: 'Stable', members: [{ orders: [0, 1] }], commits: { orders: [[0, 90], [1, 50]] } },
    'shipping': { state: 'Empty', commits: { orders: [[0, 40]], audit: [[0, 15]] } },
    'reporting': { state: 'Empty', commits: { audit: [[0, 20]] } },
    'other-team': { state: 'Empty', commits: { audit: [[0, 11]] } },
  },
};

describe('createCollector', () => {
  it('reads each topic once for all groups, with one describe and one committed read per group', async () => {
    const { admin, calls } = fakeAdmin(sharedCluster);
    const collector = createCollector(admin, options({ groups: ['shipping', 'billing', 'reporting', 'not-started'], topics: ['orders'] }));
    const snapshot = await collector.collect();

    expect(snapshot.ok).toBe(true);
    expect(snapshot.errors.map((e) => [e.groupId, e.code])).toEqual([['not-started', 'GROUP_NOT_FOUND']]);
    expect(calls).toEqual({ fetchTopicMetadata: 1, listGroups: 0, describeGroups: 1, fetchOffsets: 4, fetchTopicOffsets: 0, fetchTopicsOffsets: 1 });
    expect(snapshot.topics).toEqual([
      { topic: 'audit', partitions: [{ partition: 0, start: 10, end: 20 }] },
      { topic: 'orders', partitions: [{ partition: 0, start: 0, end: 100 }, { partition: 1, start: 0, end: 50 }] },
    ]);
    expect(snapshot.groups.map((g) => [g.groupId, g.state, g.members, g.topics.map((t) => t.topic)])).toEqual([
      ['billing', 'Stable', 1, ['orders']],
      ['not-started', 'Unknown', 0, ['orders']],
      ['reporting', 'Empty', 0, ['audit', 'orders']],
      ['shipping', 'Empty', 0, ['audit', 'orders']],
    ]);
    const notStarted = snapshot.groups.find((g) => g.groupId === 'not-started');
    expect(notStarted?.topics[0]?.partitions.map((p) => p.committed)).toEqual([null, null]);
  });

  it.each([
    { name: 'a plain pattern', pattern: /^(bill|ship)/ },
    // test() on a /g pattern resumes where the last match ended: the collector must not care
    { name: 'a /g pattern, twice', pattern: /^(bill|ship)/g },
  ])('lists groups only with a pattern, and keeps those matching: $name', async ({ pattern }) => {
    const { admin, calls } = fakeAdmin(sharedCluster);
    const collector = createCollector(admin, options({ groupPattern: pattern }));
    for (let cycle = 1; cycle <= 2; cycle += 1) {
      const snapshot = await collector.collect();
      expect(snapshot.groups.map((g) => g.groupId)).toEqual(['billing', 'shipping']);
      expect(calls.listGroups).toBe(cycle);
    }
  });

  it('reports a missing topic without asking kafkajs for its offsets (that would retry for seconds)', async () => {
    const { admin, calls } = fakeAdmin(sharedCluster);
    const snapshot = await createCollector(admin, options({ groups: ['billing'], topics: ['no-such-topic'] })).collect();
    expect(snapshot.ok).toBe(true);
    expect(snapshot.errors).toEqual([{ scope: 'topic', topic: 'no-such-topic', code: 'TOPIC_NOT_FOUND', message: 'topic no-such-topic does not exist' }]);
    expect(snapshot.groups[0]?.topics.map((t) => t.topic)).toEqual(['orders']);
    expect(calls.fetchTopicsOffsets).toBe(1);
  });

  it.each([
    {
      name: 'a refused connection',
      error: kafkaError('KafkaJSNumberOfRetriesExceeded', 'retries exceeded', { originalError: kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1') }),
      code: 'BROKER_UNREACHABLE',
    },
    { name: 'a bug that throws a plain error', error: new TypeError('x is undefined'), code: 'KAFKA_REQUEST_FAILED' },
  ])('never throws: $name ends as ok=false with a broker-scope $code', async ({ error, code }) => {
    const { admin } = fakeAdmin(sharedCluster, { fetchTopicMetadata: () => Promise.reject(error) });
    const snapshot = await createCollector(admin, options({ groups: ['billing'] })).collect();
    expect(snapshot).toMatchObject({ ok: false, topics: [], groups: [], errors: [{ scope: 'broker', code }] });
  });

  it('reads the topics one by one when the batched read fails, so one bad topic is only a topic error', async () => {
    const refused = kafkaError('KafkaJSProtocolError', 'This server does not host this topic-partition', { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const { admin, calls } = fakeAdmin(sharedCluster, {
      fetchTopicsOffsets: () => Promise.reject(refused),
      fetchTopicOffsets: async (topic: string) => {
        if (topic === 'audit') throw refused;
        return sharedCluster.topics[topic]?.map(([start, end], partition) => ({ partition, offset: String(end), high: String(end), low: String(start) }));
      },
    });
    const snapshot = await createCollector(admin, options({ groups: ['shipping'] })).collect();
    expect(calls).toMatchObject({ fetchTopicsOffsets: 1, fetchTopicOffsets: 2 });
    expect(snapshot.ok).toBe(true);
    expect(snapshot.errors.map((e) => [e.scope, e.topic])).toEqual([['topic', 'audit']]);
    expect(snapshot.groups[0]?.topics.map((t) => t.topic)).toEqual(['orders']);
  });

  it('makes one broker-scope error of an unreachable broker behind a topic read', async () => {
    const refused = kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1');
    const { admin } = fakeAdmin(sharedCluster, { fetchTopicOffsets: () => Promise.reject(refused), fetchTopicsOffsets: () => Promise.reject(refused) });
    const snapshot = await createCollector(admin, options({ groups: ['billing', 'shipping'] })).collect();
    expect(snapshot.ok).toBe(false);
    expect(snapshot.errors.map((e) => [e.scope, e.code])).toEqual([['broker', 'BROKER_UNREACHABLE']]);
  });

  it('returns a TIMEOUT at the deadline, and the abandoned cycle sends nothing more', async () => {
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const { admin, calls } = fakeAdmin(sharedCluster, {
      fetchTopicMetadata: async () => {
        await hung;
        return { topics: [{ name: 'orders', partitions: [] }] };
      },
    });
    const collector = createCollector(admin, options({ groups: ['billing'], timeoutMs: 20 }));
    const first = await collector.collect();
    expect(first).toMatchObject({ ok: false, groups: [], errors: [{ scope: 'broker', code: 'TIMEOUT' }] });
    // The next cycle waits for the hung one instead of piling requests on top of it.
    const second = await collector.collect();
    expect(second.errors[0]?.code).toBe('TIMEOUT');
    expect(calls.fetchTopicMetadata).toBe(1);

    release();
    const third = await collector.collect();
    expect(third.ok).toBe(true);
    expect(calls).toMatchObject({ fetchTopicMetadata: 2, describeGroups: 1, fetchOffsets: 1 });
  });

  it('takes atMs and durationMs from the clock it is given', async () => {
    const { admin } = fakeAdmin(sharedCluster);
    const times = [1_000, 1_250];
    const snapshot = await createCollector(admin, options({ groups: ['billing'] }), () => times.shift() ?? 0).collect();
    expect(snapshot).toMatchObject({ atMs: 1_000, durationMs: 250 });
  });

  describe('a deleted topic it read (kafkajs then fails every metadata refresh of that admin)', () => {
    const cluster = (): FakeCluster => ({ topics: { a: [[0, 5]], b: [[0, 7]] }, groups: { g: { state: 'Empty', commits: { a: [[0, 5]], b: [[0, 1]] } } } });

    it('renews the admin and reads the remaining topics through the new one', async () => {
      const state = cluster();
      const old = fakeAdmin(state);
      const renewed = fakeAdmin(state);
      let renewals = 0;
      const collector = createCollector(old.admin, options({
        groups: ['g'],
        renewAdmin: async () => {
          renewals += 1;
          return renewed.admin;
        },
      }));
      expect((await collector.collect()).groups[0]?.topics.map((t) => t.topic)).toEqual(['a', 'b']);
      delete state.topics.a;
      const snapshot = await collector.collect();
      expect(renewals).toBe(1);
      expect(snapshot.ok).toBe(true);
      expect(snapshot.groups[0]?.topics.map((t) => t.topic)).toEqual(['b']);
      expect(snapshot.errors.map((e) => [e.scope, e.topic, e.code])).toEqual([['topic', 'a', 'TOPIC_NOT_FOUND']]);
      expect(renewed.calls.fetchTopicsOffsets).toBe(1);
      await collector.collect();
      expect(renewals).toBe(1);
    });

    it('fails the cycle with a broker-scope error that says why, without renewAdmin', async () => {
      const state = cluster();
      const collector = createCollector(fakeAdmin(state).admin, options({ groups: ['g'] }));
      await collector.collect();
      delete state.topics.a;
      const snapshot = await collector.collect();
      expect(snapshot.ok).toBe(false);
      expect(snapshot.errors[0]).toMatchObject({ scope: 'broker', code: 'KAFKA_REQUEST_FAILED', message: expect.stringContaining('topic a was deleted') });
    });
  });

  it.each([
    { name: 'nothing to watch', bad: { groups: [] }, problem: 'groups or groupPattern' },
    { name: 'a zero timeout', bad: { groups: ['g'], timeoutMs: 0 }, problem: 'timeoutMs must be a positive integer' },
    { name: 'an empty group id', bad: { groups: [''] }, problem: 'groups must hold non-empty group ids' },
    { name: 'a fractional concurrency', bad: { groups: ['g'], concurrency: 2.5 }, problem: 'concurrency must be a positive integer' },
  ])('refuses options with $name', ({ bad, problem }) => {
    expect(() => createCollector(fakeAdmin(sharedCluster).admin, options(bad))).toThrow(problem);
  });
});
