import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { ensureTopic, topicPartitionCount } from './topics.js';
import { isTransientAdminError } from './topic-readiness.js';

/** A kafkajs error as the broker's answer arrives: a protocol error with its type. */
function protocolError(type: string, retriable = true): Error {
  return Object.assign(new Error(`broker says ${type}`), { name: 'KafkaJSProtocolError', type, retriable });
}

/** kafkajs's admin bails out of its retrier with the broker's answer wrapped, retriable false. */
function bailed(inner: Error): Error {
  return Object.assign(new Error(inner.message), { name: 'KafkaJSNonRetriableError', retriable: false, originalError: inner });
}

interface Script {
  /** Partition count once the topic exists; undefined: it does not exist yet. */
  partitions?: number;
  /** Errors the next createTopics / createPartitions calls throw, in order, before they succeed. */
  createErrors?: Error[];
  growErrors?: Error[];
  /** Metadata calls that answer UNKNOWN_TOPIC_OR_PARTITION after the topic appears. */
  invisibleFor?: number;
  /** Metadata calls that show partitions without a leader after a change. */
  leaderlessFor?: number;
}

/** The admin calls ensureTopic makes, answered from a script; counts what was called. */
function scriptedAdmin(script: Script) {
  let partitions = script.partitions;
  let invisible = 0;
  let leaderless = 0;
  const calls = { create: 0, grow: 0, metadata: 0 };
  const changed = () => {
    invisible = script.invisibleFor ?? 0;
    leaderless = script.leaderlessFor ?? 0;
  };
  const admin = {
    listTopics: async () => (partitions === undefined ? [] : ['t']),
    createTopics: async ({ topics }: { topics: Array<{ numPartitions: number }> }) => {
      calls.create += 1;
      const err = script.createErrors?.shift();
      if (err !== undefined && !(err as { afterApplying?: boolean }).afterApplying) throw err;
      partitions = topics[0]?.numPartitions;
      changed();
      if (err !== undefined) throw err;
      return true;
    },
    createPartitions: async ({ topicPartitions }: { topicPartitions: Array<{ count: number }> }) => {
      calls.grow += 1;
      const err = script.growErrors?.shift();
      if (err !== undefined) throw err;
      partitions = topicPartitions[0]?.count;
      changed();
    },
    fetchTopicMetadata: async () => {
      calls.metadata += 1;
      if (invisible > 0) {
        invisible -= 1;
        throw bailed(protocolError('UNKNOWN_TOPIC_OR_PARTITION'));
      }
      const leader = leaderless > 0 ? -1 : 1;
      leaderless = Math.max(0, leaderless - 1);
      return { topics: [{ name: 't', partitions: Array.from({ length: partitions ?? 0 }, (_, partitionId) => ({ partitionId, leader })) }] };
    },
    fetchTopicOffsets: async () => Array.from({ length: partitions ?? 0 }, (_, partition) => ({ partition, offset: '0', high: '0', low: '0' })),
  };
  return { admin: admin as unknown as Admin, calls, partitions: () => partitions };
}

/** An error createTopics throws after the broker has applied the request (the reply was lost). */
function afterApplying(err: Error): Error {
  return Object.assign(err, { afterApplying: true });
}

const fast = { timeoutMs: 2_000 };

describe('ensureTopic waits until the topic is usable', () => {
  it.each([
    { name: 'a created topic the metadata does not show yet', script: { invisibleFor: 3 }, metadataAtLeast: 4 },
    { name: 'a created topic whose partitions have no leader yet', script: { leaderlessFor: 2 }, metadataAtLeast: 3 },
    { name: 'createTopics answering UNKNOWN_TOPIC_OR_PARTITION for the topic it made', script: { createErrors: [afterApplying(bailed(protocolError('UNKNOWN_TOPIC_OR_PARTITION')))], invisibleFor: 2 }, metadataAtLeast: 3 },
  ])('creating: $name', async ({ script, metadataAtLeast }) => {
    const { admin, calls } = scriptedAdmin(script);
    await expect(ensureTopic(admin, { topic: 't', partitions: 2, ...fast })).resolves.toEqual({ topic: 't', created: true, partitions: 2 });
    expect(calls.metadata).toBeGreaterThanOrEqual(metadataAtLeast);
  });

  it('growing: returns once the new partitions have leaders', async () => {
    const { admin, calls } = scriptedAdmin({ partitions: 2, leaderlessFor: 3 });
    await expect(ensureTopic(admin, { topic: 't', partitions: 5, growPartitions: true, ...fast })).resolves.toEqual({ topic: 't', created: false, partitions: 5, grownFrom: 2 });
    expect(calls.grow).toBe(1);
    expect(calls.metadata).toBeGreaterThanOrEqual(4);
  });

  it('growing: a concurrent caller that grew it first is not an error', async () => {
    const { admin, calls } = scriptedAdmin({ partitions: 2, growErrors: [bailed(protocolError('INVALID_PARTITIONS', false))] });
    // The script's grow failed without applying, so the second look still sees 2 and grows again.
    await expect(ensureTopic(admin, { topic: 't', partitions: 4, growPartitions: true, ...fast })).resolves.toMatchObject({ partitions: 4, grownFrom: 2 });
    expect(calls.grow).toBe(2);
  });

  it.each([
    { name: 'NOT_CONTROLLER', err: bailed(protocolError('NOT_CONTROLLER')) },
    { name: 'REQUEST_TIMED_OUT', err: bailed(protocolError('REQUEST_TIMED_OUT')) },
    { name: 'LEADER_NOT_AVAILABLE, given up on by kafkajs', err: Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, cause: protocolError('LEADER_NOT_AVAILABLE') }) },
  ])('retries a transient answer under kafkajs wrapping: $name', async ({ err }) => {
    const { admin, calls } = scriptedAdmin({ createErrors: [err] });
    await expect(ensureTopic(admin, { topic: 't', partitions: 1, ...fast })).resolves.toMatchObject({ created: true });
    expect(calls.create).toBe(2);
  });

  it('a topic that already exists (lost race) is reported as existing', async () => {
    const { admin } = scriptedAdmin({ createErrors: [afterApplying(bailed(protocolError('TOPIC_ALREADY_EXISTS', false)))] });
    await expect(ensureTopic(admin, { topic: 't', partitions: 3, ...fast })).resolves.toEqual({ topic: 't', created: false, partitions: 3 });
  });

  it('still fails at once on any other broker error', async () => {
    const { admin, calls } = scriptedAdmin({ createErrors: [bailed(protocolError('POLICY_VIOLATION', false))] });
    const attempt = ensureTopic(admin, { topic: 't', partitions: 1, ...fast });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'KAFKA_REQUEST_FAILED' });
    expect(calls.create).toBe(1);
  });

  it('keeps waiting while ListOffsets fails, even with kafkajs\'s own TypeError on half-known metadata', async () => {
    const { admin } = scriptedAdmin({});
    const scripted = admin as unknown as { fetchTopicOffsets: () => Promise<unknown> };
    const real = scripted.fetchTopicOffsets;
    let failures = 2;
    scripted.fetchTopicOffsets = async () => {
      if (failures-- > 0) throw new TypeError("Cannot destructure property 'partitions' of 'low.pop(...)' as it is undefined.");
      return real();
    };
    await expect(ensureTopic(admin, { topic: 't', partitions: 2, ...fast })).resolves.toMatchObject({ created: true });
    expect(failures).toBe(-1);
  });

  it('gives up with TIMEOUT naming what is missing when leaders never come', async () => {
    const { admin } = scriptedAdmin({ leaderlessFor: Number.MAX_SAFE_INTEGER });
    await expect(ensureTopic(admin, { topic: 't', partitions: 2, timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('no leader for partition(s) 0,1') });
  });
});

describe('topicPartitionCount', () => {
  it('is undefined for a topic the broker does not list', async () => {
    const { admin } = scriptedAdmin({});
    await expect(topicPartitionCount(admin, 't', fast)).resolves.toBeUndefined();
  });

  it('waits for a listed topic whose metadata is not there yet', async () => {
    const { admin, calls } = scriptedAdmin({ partitions: 3 });
    // listed, then two metadata calls that do not know it
    const scripted = admin as unknown as { fetchTopicMetadata: () => Promise<unknown> };
    const real = scripted.fetchTopicMetadata;
    let misses = 2;
    scripted.fetchTopicMetadata = async () => (misses-- > 0 ? { topics: [] } : real());
    await expect(topicPartitionCount(admin, 't', fast)).resolves.toBe(3);
    expect(calls.metadata).toBe(1);
  });
});

describe('isTransientAdminError', () => {
  it.each([
    { name: 'a bare protocol error', err: protocolError('LEADER_NOT_AVAILABLE'), transient: true },
    { name: 'a bailed-out one', err: bailed(protocolError('UNKNOWN_TOPIC_OR_PARTITION')), transient: true },
    { name: 'an aggregate of per-topic answers', err: bailed(Object.assign(new Error('agg'), { name: 'KafkaJSAggregateError', errors: [protocolError('REQUEST_TIMED_OUT')] })), transient: true },
    { name: 'a policy violation', err: bailed(protocolError('POLICY_VIOLATION', false)), transient: false },
    { name: 'a connection error', err: Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError' }), transient: false },
    { name: 'an AppError', err: new AppError('TIMEOUT', 'x'), transient: false },
  ])('$name → $transient', ({ err, transient }) => {
    expect(isTransientAdminError(err)).toBe(transient);
  });
});
