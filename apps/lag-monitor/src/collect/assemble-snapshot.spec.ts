import { describe, expect, it } from 'vitest';
import { AppError, type CommittedColumns, type ErrorCode, type GroupDescription, type GroupState, type TopicPartitionOffsets } from '@lagscale/kafka-core';
import { groupTopicColumns, topicColumns } from '../model/group-topic-columns.js';
import { assembleSnapshot, groupTopicNames, mergeCommitted, type CycleReadings, type Reading } from './assemble-snapshot.js';

const ok = <T>(value: T): Reading<T> => ({ ok: true, value });
const failed = (code: ErrorCode, message = `${code} happened`): Reading<never> => ({ ok: false, error: new AppError(code, message) });

function group(groupId: string, state: GroupState, assignments: Array<Record<string, number[]>> = []): GroupDescription {
  return {
    groupId,
    state,
    protocol: assignments.length > 0 ? 'RoundRobinAssigner' : '',
    members: assignments.map((assignment, i) => ({ memberId: `m${i}`, clientId: 'c', clientHost: '/127.0.0.1', assignment })),
  };
}

/** Offsets of a topic: one [start, end] pair per partition. */
const logOffsets = (...ranges: Array<[number, number]>): TopicPartitionOffsets[] =>
  ranges.map(([start, end], partition) => ({ partition, start, end }));

/** A group's commits by topic, [partition, committed] pairs in the order given (not always sorted: mergeCommitted sorts). */
const commitColumns = (pairs: Array<[number, number]>): CommittedColumns => ({
  partitions: pairs.map(([partition]) => partition),
  committed: pairs.map(([, committed]) => committed),
});
const commits = (byTopic: Record<string, Array<[number, number]>>): Map<string, CommittedColumns> =>
  new Map(Object.entries(byTopic).map(([topic, pairs]) => [topic, commitColumns(pairs)]));

function readings(overrides: Partial<CycleReadings>): CycleReadings {
  return {
    groupIds: [],
    namedGroups: new Set(overrides.groupIds ?? []),
    configuredTopics: [],
    descriptions: ok((overrides.groupIds ?? []).map((id) => group(id, 'Empty'))),
    committed: new Map(),
    topicOffsets: new Map(),
    missingTopics: new Set(),
    ...overrides,
  };
}

describe('groupTopicNames', () => {
  it.each<{ name: string; committed: string[]; assigned: Array<Record<string, number[]>>; configured: string[]; expected: string[] }>([
    { name: 'committed only', committed: ['b', 'a'], assigned: [], configured: [], expected: ['a', 'b'] },
    { name: 'configured topics for a group that never committed', committed: [], assigned: [], configured: ['t'], expected: ['t'] },
    { name: 'assigned but not yet committed', committed: [], assigned: [{ x: [0] }, { y: [1], x: [2] }], configured: [], expected: ['x', 'y'] },
    { name: 'union without duplicates', committed: ['a'], assigned: [{ a: [0], c: [0] }], configured: ['b', 'a'], expected: ['a', 'b', 'c'] },
  ])('$name', ({ committed, assigned, configured, expected }) => {
    expect(groupTopicNames(group('g', 'Stable', assigned), committed, configured)).toEqual(expected);
  });
});

describe('mergeCommitted', () => {
  it('gives every partition of the topic, null where the group never committed', () => {
    const merged = mergeCommitted('t', topicColumns(logOffsets([0, 10], [5, 20], [0, 0])), commitColumns([[1, 12]]));
    expect(merged).toEqual({
      topic: 't',
      partitions: [
        { partition: 0, start: 0, end: 10, committed: null },
        { partition: 1, start: 5, end: 20, committed: 12 },
        { partition: 2, start: 0, end: 0, committed: null },
      ],
    });
  });

  it('keeps the topic columns shared and the commits as a column, NaN where none, whatever order they came in', () => {
    const offsets = topicColumns(logOffsets([0, 10], [5, 20], [0, 0], [1, 4]));
    const merged = mergeCommitted('t', offsets, commitColumns([[3, 2], [7, 99], [0, 10], [1, 12]]));
    expect(merged.columns?.offsets).toBe(offsets);
    expect([...(merged.columns?.committed ?? [])]).toEqual([10, 12, Number.NaN, 2]);
    expect(groupTopicColumns(merged)).toBe(merged.columns);
  });
});

describe('assembleSnapshot', () => {
  it('shares one read of a topic between groups, sorted, with null for a group that never committed', () => {
    const body = assembleSnapshot(
      readings({
        groupIds: ['g-b', 'g-a', 'g-new'],
        configuredTopics: ['orders'],
        descriptions: ok([group('g-b', 'Stable', [{ orders: [0, 1] }]), group('g-a', 'Empty'), group('g-new', 'Dead')]),
        committed: new Map([
          ['g-a', ok(commits({ orders: [[1, 15], [0, 4]], audit: [[0, 3]] }))],
          ['g-b', ok(commits({ orders: [[0, 10]] }))],
          ['g-new', ok(commits({}))],
        ]),
        topicOffsets: new Map([
          ['orders', ok(logOffsets([2, 10], [0, 20]).reverse())],
          ['audit', ok(logOffsets([0, 3]))],
        ]),
      }),
    );
    expect(body.ok).toBe(true);
    // Configured topics do not make a group the broker does not know real: it is Unknown and an
    // error, and keeps the topics only for the scaling policy (status and metrics drop them).
    expect(body.errors.map((e) => [e.scope, e.groupId, e.code])).toEqual([['group', 'g-new', 'GROUP_NOT_FOUND']]);
    expect(body.topics.map((t) => t.topic)).toEqual(['audit', 'orders']);
    expect(body.topics[1]?.partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(body.groups).toEqual([
      {
        groupId: 'g-a', state: 'Empty', members: 0,
        topics: [
          { topic: 'audit', partitions: [{ partition: 0, start: 0, end: 3, committed: 3 }] },
          { topic: 'orders', partitions: [{ partition: 0, start: 2, end: 10, committed: 4 }, { partition: 1, start: 0, end: 20, committed: 15 }] },
        ],
      },
      {
        groupId: 'g-b', state: 'Stable', members: 1,
        topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 2, end: 10, committed: 10 }, { partition: 1, start: 0, end: 20, committed: null }] }],
      },
      {
        groupId: 'g-new', state: 'Unknown', members: 0,
        topics: [{ topic: 'orders', partitions: [{ partition: 0, start: 2, end: 10, committed: null }, { partition: 1, start: 0, end: 20, committed: null }] }],
      },
    ]);
  });

  it.each([
    {
      name: 'a missing topic is a topic error; the group keeps its other topics',
      input: readings({
        groupIds: ['g'],
        configuredTopics: ['gone', 'here'],
        committed: new Map([['g', ok(commits({}))]]),
        topicOffsets: new Map([['here', ok(logOffsets([0, 1]))]]),
        missingTopics: new Set(['gone']),
      }),
      ok: true,
      errors: [{ scope: 'topic', topic: 'gone', code: 'TOPIC_NOT_FOUND' }],
      groupTopics: { g: ['here'] },
    },
    {
      name: 'a named group the broker does not know, with no configured topics, is a group error',
      input: readings({
        groupIds: ['known', 'ghost'],
        descriptions: ok([group('known', 'Empty'), group('ghost', 'Dead')]),
        committed: new Map([['known', ok(commits({ t: [[0, 1]] }))], ['ghost', ok(commits({}))]]),
        topicOffsets: new Map([['t', ok(logOffsets([0, 1]))]]),
      }),
      ok: true,
      errors: [{ scope: 'group', groupId: 'ghost', code: 'GROUP_NOT_FOUND' }],
      groupTopics: { ghost: [], known: ['t'] },
    },
    {
      name: 'a group that matched a pattern is never GROUP_NOT_FOUND (the broker listed it)',
      input: readings({
        groupIds: ['listed'],
        namedGroups: new Set(),
        descriptions: ok([group('listed', 'Dead')]),
        committed: new Map([['listed', ok(commits({}))]]),
      }),
      ok: true,
      errors: [],
      groupTopics: { listed: [] },
    },
    {
      name: 'commits that could not be read are a group error; the group is listed without topics',
      input: readings({
        groupIds: ['a', 'b'],
        configuredTopics: ['t'],
        committed: new Map([['a', failed('KAFKA_REQUEST_FAILED')], ['b', ok(commits({}))]]),
        topicOffsets: new Map([['t', ok(logOffsets([0, 5]))]]),
      }),
      ok: true,
      errors: [{ scope: 'group', groupId: 'a', code: 'KAFKA_REQUEST_FAILED' }],
      groupTopics: { a: [], b: ['t'] },
    },
    {
      name: 'an unreachable broker behind one request fails the snapshot with one broker error',
      input: readings({
        groupIds: ['g'],
        configuredTopics: ['t1', 't2', 't3'],
        committed: new Map([['g', ok(commits({}))]]),
        topicOffsets: new Map([['t1', ok(logOffsets([0, 5]))], ['t2', failed('BROKER_UNREACHABLE')], ['t3', failed('BROKER_UNREACHABLE')]]),
      }),
      ok: false,
      errors: [{ scope: 'broker', code: 'BROKER_UNREACHABLE' }],
      groupTopics: { g: ['t1'] },
    },
    {
      name: 'groups that could not be described fail the snapshot (no state, no rebalance check)',
      input: readings({ groupIds: ['g'], descriptions: failed('KAFKA_REQUEST_FAILED'), committed: new Map([['g', ok(commits({}))]]) }),
      ok: false,
      errors: [{ scope: 'broker', code: 'KAFKA_REQUEST_FAILED' }],
      groupTopics: {},
    },
  ])('$name', ({ input, ok: expectedOk, errors, groupTopics }) => {
    const body = assembleSnapshot(input);
    expect(body.ok).toBe(expectedOk);
    expect(body.errors.map(({ message: _message, ...rest }) => rest)).toEqual(errors);
    expect(Object.fromEntries(body.groups.map((g) => [g.groupId, g.topics.map((t) => t.topic)]))).toEqual(groupTopics);
  });
});
