import { describe, expect, it } from 'vitest';
import type { GroupState } from '@lagscale/kafka-core';
import type { Snapshot } from '../model/index.js';
import { arrayDerive, createArrayDeriveState } from '../../test-support/array-derive.js';
import { commitHistoryOf, createDeriveState, derive, endHistoryOf, type DeriveState } from './derive.js';
import { defaultDeriveOptions, type DeriveOptions } from './derive-options.js';
import { seededRandom as random } from '@lagscale/kafka-core/testing/seeded-random';

// The column-based derive() against the array-based one it replaced (test-support/array-derive.ts)
// on random snapshot sequences: every view (lags, rates, time lags, health and its reason) and
// every kept sample must be the same. Seeded, so a failure names a sequence that reproduces.

const STATES: GroupState[] = ['Stable', 'Empty', 'PreparingRebalance', 'Dead'];

/** A run of snapshots: topics and partitions come and go, ends grow (or restart), commits move, clocks jump. */
function snapshots(seed: number, cycles: number, meanStepMs: number, churn: number): Snapshot[] {
  const r = random(seed);
  const int = (n: number) => Math.floor(r() * n);
  const ends = new Map<string, number[]>();
  const commits = new Map<string, (number | null)[]>();
  let atMs = 1_700_000_000_000;
  const out: Snapshot[] = [];
  for (let c = 0; c < cycles; c += 1) {
    // Mostly forward in steps around the interval; sometimes the same instant or a clock going back.
    const step = r();
    atMs += step < 0.05 ? -int(meanStepMs * 1.5) : step < 0.08 ? 0 : Math.round(meanStepMs * (0.2 + 1.6 * r()));
    const topicNames = ['a', 'b', 'c'].filter(() => r() >= 0.15 * churn);
    const topics: Snapshot['topics'] = [];
    for (const topic of topicNames) {
      const partitionCount = 1 + int(4);
      const previous = ends.get(topic) ?? [];
      const next = Array.from({ length: partitionCount }, (_, p) => {
        const before = previous[p] ?? int(50);
        // 3 %: the topic was recreated, its end offsets start again below.
        return r() < 0.03 * churn ? int(5) : before + (r() < 0.3 ? 0 : int(400));
      });
      ends.set(topic, next);
      topics.push({ topic, partitions: next.map((end, partition) => ({ partition, start: Math.min(end, int(3)), end })) });
    }
    const groups: Snapshot['groups'] = [];
    for (const groupId of ['g1', 'g2', 'g3'].filter(() => r() >= 0.1 * churn)) {
      const groupTopics: Snapshot['groups'][number]['topics'] = [];
      for (const t of topics) {
        if (r() < 0.2 * churn) continue;
        const key = `${groupId}/${t.topic}`;
        const previous = commits.get(key) ?? [];
        const committed = t.partitions.map((p) => {
          const before = previous[p.partition];
          const roll = r();
          if (roll < 0.08) return null;
          if (before === null || before === undefined || roll < 0.12) return int(p.end + 1);
          // Stuck (unchanged), catching up, or (rarely) reset past the end.
          if (roll < 0.45) return before;
          return roll < 0.97 ? Math.min(p.end, before + int(500)) : p.end + int(20);
        });
        commits.set(key, committed);
        groupTopics.push({ topic: t.topic, partitions: t.partitions.filter(() => r() >= 0.05 * churn).map((p) => ({ ...p, committed: committed[p.partition] ?? null })) });
      }
      groups.push({ groupId, state: STATES[int(STATES.length)] as GroupState, members: int(3), topics: groupTopics });
    }
    out.push({ atMs, durationMs: 5, ok: true, errors: [], topics, groups });
  }
  return out;
}

function compare(seed: number, cycles: number, options: DeriveOptions, meanStepMs = 5_500, churn = 1): DeriveState {
  let columns = createDeriveState(options);
  let arrays = createArrayDeriveState();
  for (const [cycle, snapshot] of snapshots(seed, cycles, meanStepMs, churn).entries()) {
    const next = derive(columns, snapshot, options);
    const reference = arrayDerive(arrays, snapshot, options);
    columns = next.state;
    arrays = reference.state;
    const where = `seed ${seed}, cycle ${cycle}`;
    expect(next.views, where).toEqual(reference.views);
    for (const [topic, partitions] of arrays.ends) {
      for (const [partition, history] of partitions) expect(endHistoryOf(columns, topic, partition), `${where}, ends ${topic}/${partition}`).toEqual(history);
    }
    for (const [groupId, topics] of arrays.commits) {
      for (const [topic, partitions] of topics) {
        expect([...(columns.commits.get(groupId)?.get(topic)?.keys() ?? [])].sort(), where).toEqual([...partitions.keys()].sort());
        for (const [partition, history] of partitions) expect(commitHistoryOf(columns, groupId, topic, partition), `${where}, ${groupId}/${topic}/${partition}`).toEqual(history);
      }
    }
    expect([...columns.commits.keys()].sort(), where).toEqual([...arrays.commits.keys()].sort());
    expect([...columns.ends.keys()].sort(), where).toEqual([...arrays.ends.keys()].sort());
  }
  return columns;
}

describe('column-based derive against the array-based one', () => {
  // Short window and few samples so the thinning, anchors and history limits are hit often.
  const tight: DeriveOptions = { windowMs: 20_000, historyMs: 60_000, minSamples: 3, resetPolicy: 'earliest', maxWindowSamples: 4, maxHistorySamples: 3 };

  it('gives the same views and histories with tight limits (60 random runs)', { timeout: 60_000 }, () => {
    for (let seed = 1; seed <= 60; seed += 1) compare(seed, 40, tight);
  });

  it('gives the same views and histories with the defaults and latest reset (12 long runs)', { timeout: 60_000 }, () => {
    for (let seed = 1_001; seed <= 1_012; seed += 1) compare(seed, 150, { ...defaultDeriveOptions, resetPolicy: 'latest' });
  });

  it('gives the same views and histories at a short interval, where the columns grow (4 long runs)', { timeout: 60_000 }, () => {
    // About 1 s apart and few series dropped: up to 60 samples in the window, past the columns' first 16 per series.
    for (let seed = 2_001; seed <= 2_004; seed += 1) expect(compare(seed, 200, defaultDeriveOptions, 1_000, 0.05).commitColumns.stride).toBeGreaterThan(16);
  });
});
