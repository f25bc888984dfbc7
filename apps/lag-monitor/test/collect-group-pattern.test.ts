import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTopicPattern } from '@lagscale/kafka-core/admin';
import { commitAsGroup, TestKafka, uniqueName } from '@lagscale/kafka-core/testing';
import { createCollector } from '../src/collect/index.js';
import { connectedAdmin, produceCounts, topicsByGroup } from './collect-helpers.js';

describe('collector: groups chosen by a pattern', () => {
  const t = new TestKafka();
  // Unique per run, so groups of other suites (and earlier runs) on the shared broker never match.
  const team = uniqueName('collect-team');
  let admin: Admin;
  let topic: string;
  let matching: string[];
  let named: string;
  let other: string;

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 2, prefix: 'collect-pattern' });
    await produceCounts(await t.producer(), topic, [4, 6]);
    matching = [t.groupId(`${team}-billing`), t.groupId(`${team}-shipping`)];
    named = t.groupId('collect-named');
    other = t.groupId(`collect-other-${team}`);
    for (const [i, groupId] of [...matching, named, other].entries()) await commitAsGroup(t, groupId, { [topic]: [i, 0] });
    admin = await connectedAdmin();
  }, 120_000);

  afterAll(async () => {
    await admin?.disconnect();
    await t.cleanup();
  }, 60_000);

  it('finds every group whose id matches, plus the named ones, and no other', { timeout: 30_000 }, async () => {
    const collector = createCollector(admin, { groups: [named], groupPattern: new RegExp(`^${team}-`), topics: [], timeoutMs: 10_000 });
    const snapshot = await collector.collect();
    expect(snapshot.ok).toBe(true);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.groups.map((g) => g.groupId)).toEqual([...matching, named].sort());
    expect(topicsByGroup(snapshot)).toEqual(Object.fromEntries([...matching, named].map((g) => [g, [topic]])));
    expect(snapshot.groups.every((g) => g.state === 'Empty' && g.members === 0)).toBe(true);
  });

  it('picks up a matching group created after the collector started', { timeout: 30_000 }, async () => {
    const collector = createCollector(admin, { groups: [], groupPattern: new RegExp(`^${team}-`), topics: [], timeoutMs: 10_000 });
    expect((await collector.collect()).groups.map((g) => g.groupId)).toEqual([...matching].sort());
    const late = t.groupId(`${team}-late`);
    await commitAsGroup(t, late, { [topic]: [1, 1] });
    expect((await collector.collect()).groups.map((g) => g.groupId)).toEqual([...matching, late].sort());
  });

  it('watches the topics a topic pattern matches for every group, one created later too, before any commit', { timeout: 30_000 }, async () => {
    const family = uniqueName('collect-topics');
    const first = await t.createTopic({ partitions: 1, prefix: family });
    const collector = createCollector(admin, { groups: [named], topics: [], topicPattern: compileTopicPattern(`${family}-.*`), timeoutMs: 10_000 });
    expect(topicsByGroup(await collector.collect())[named]).toEqual([topic, first].sort());
    const late = await t.createTopic({ partitions: 2, prefix: family });
    await produceCounts(await t.producer(), late, [3, 5]);
    const snapshot = await collector.collect();
    expect(topicsByGroup(snapshot)[named]).toEqual([topic, first, late].sort());
    // never committed there: the partitions are reported uncommitted, with their log bounds
    expect(snapshot.groups.find((g) => g.groupId === named)?.topics.find((x) => x.topic === late)?.partitions).toEqual([
      { partition: 0, start: 0, end: 3, committed: null },
      { partition: 1, start: 0, end: 5, committed: null },
    ]);
  });
});
