import { silentLogger } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import type { TopicPartitionOffset } from '../dispatch/index.js';
import { assignmentChange, PartitionOwnership, type TopicPartition } from './partition-ownership.js';

const owned = (...tps: Array<[string, number]>) => new Map(tps.map(([topic, partition]) => [`${topic}:${partition}`, { topic, partition }]));
const names = (tps: readonly TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`).sort();

describe('assignmentChange', () => {
  const rows: Array<{ name: string; before: Map<string, TopicPartition>; assignment: Record<string, number[]>; revoked: string[]; added: string[] }> = [
    { name: 'first assignment', before: owned(), assignment: { a: [0, 1] }, revoked: [], added: ['a-0', 'a-1'] },
    { name: 'same again', before: owned(['a', 0], ['a', 1]), assignment: { a: [1, 0] }, revoked: [], added: [] },
    { name: 'a member joined: some taken away', before: owned(['a', 0], ['a', 1], ['a', 2]), assignment: { a: [0] }, revoked: ['a-1', 'a-2'], added: [] },
    { name: 'a member left: some given', before: owned(['a', 0]), assignment: { a: [0, 3], b: [1] }, revoked: [], added: ['a-3', 'b-1'] },
    { name: 'all taken away', before: owned(['a', 0]), assignment: {}, revoked: ['a-0'], added: [] },
  ];
  it.each(rows)('$name', ({ before, assignment, revoked, added }) => {
    const change = assignmentChange(before, assignment);
    expect({ revoked: names(change.revoked), added: names(change.added), owned: names([...change.owned.values()]) }).toEqual({
      revoked,
      added,
      owned: names(Object.entries(assignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })))),
    });
  });
});

function setup(committable: TopicPartitionOffset[]) {
  const calls: string[] = [];
  const commits: TopicPartitionOffset[][] = [];
  let failNext = false;
  let release: (() => void) | undefined;
  const consumer = {
    commitOffsets: async (offsets: Array<{ topic: string; partition: number; offset: string }>) => {
      if (release === undefined) await new Promise<void>((resolve) => (release = resolve));
      release = undefined;
      if (failNext) {
        failNext = false;
        throw new Error('rebalance in progress');
      }
      commits.push(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })));
    },
    pause: (tps: Array<{ topic: string; partitions: number[] }>) => void calls.push(`pause ${JSON.stringify(tps)}`),
    resume: (tps: Array<{ topic: string; partitions: number[] }>) => void calls.push(`resume ${JSON.stringify(tps)}`),
  };
  const marked: TopicPartitionOffset[][] = [];
  const dispatcher = {
    committableOffsets: () => committable,
    markCommitted: (offsets: readonly TopicPartitionOffset[]) => void marked.push([...offsets]),
    revoke: (topic: string, partitions: readonly number[]) => void calls.push(`revoke ${topic} ${partitions.join(',')}`),
  };
  const ownership = new PartitionOwnership(consumer as never, dispatcher, silentLogger());
  return {
    ownership,
    calls,
    commits,
    marked,
    failNext: () => (failNext = true),
    /** Lets the commit in progress (or the next one) answer. */
    answer: () => {
      if (release !== undefined) release();
      else release = () => undefined;
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('PartitionOwnership', () => {
  it('on a join drops the revoked partitions from the dispatcher and resumes the added ones', () => {
    const { ownership, calls } = setup([]);
    expect(ownership.joined).toBe(false);
    ownership.join({ a: [0, 1] });
    ownership.join({ a: [1, 2], b: [0] });
    expect(calls).toEqual(['resume [{"topic":"a","partitions":[0,1]}]', 'revoke a 0', 'resume [{"topic":"a","partitions":[2]},{"topic":"b","partitions":[0]}]']);
    expect({ joined: ownership.joined, size: ownership.size }).toEqual({ joined: true, size: 3 });
  });

  it('commits explicit offsets of owned partitions only, and marks them committed once the broker took them', async () => {
    const { ownership, commits, marked, answer } = setup([
      { topic: 'a', partition: 0, offset: 10 },
      { topic: 'a', partition: 5, offset: 3 },
    ]);
    ownership.join({ a: [0] });
    answer();
    await ownership.commit('interval');
    expect(commits).toEqual([[{ topic: 'a', partition: 0, offset: 10 }]]);
    expect(marked).toEqual([[{ topic: 'a', partition: 0, offset: 10 }]]);
    expect(ownership.commits).toBe(1);
  });

  it('runs one commit at a time, and a failed one marks nothing', async () => {
    const { ownership, commits, marked, answer, failNext } = setup([{ topic: 'a', partition: 0, offset: 4 }]);
    ownership.join({ a: [0] });
    failNext();
    const first = ownership.commit('interval');
    const second = ownership.commit('rebalance');
    await flush();
    // the second waits for the first to answer before it asks
    expect(commits).toEqual([]);
    answer();
    await first;
    expect(marked).toEqual([]);
    answer();
    await second;
    expect(commits).toEqual([[{ topic: 'a', partition: 0, offset: 4 }]]);
    expect(ownership.commits).toBe(1);
  });

  it('commits nothing when nothing moved', async () => {
    const { ownership, commits } = setup([]);
    ownership.join({ a: [0] });
    await ownership.commit('interval');
    expect(commits).toEqual([]);
  });

  it('pauses every owned partition on shutdown', () => {
    const { ownership, calls } = setup([]);
    ownership.pauseAll();
    ownership.join({ a: [0, 1] });
    ownership.pauseAll();
    expect(calls.at(-1)).toBe('pause [{"topic":"a","partitions":[0,1]}]');
    expect(calls.filter((c) => c.startsWith('pause'))).toHaveLength(1);
  });
});
