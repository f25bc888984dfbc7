import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCommittedOffsets } from '@lagscale/kafka-core/admin';
import { TestKafka, testBrokers, waitForGroupJoin } from '@lagscale/kafka-core/testing';
import { formatReport, groupOffsets, parseSelection, resetSpecFromFlags, type ResetFlags } from '../src/offsets/index.js';
import { runKafkaConsumerGroups } from '../test-support/kafka-consumer-groups.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
/** p0: 10 records a minute apart from T0, the first 3 deleted (log start 3); p1: 4 at T0 + 0.5, 1.5, 2.5, 3.5 min; p2: none. */
const BASELINE = [6, 2, undefined] as const;

interface Scenario {
  name: string;
  /** The reset as Kafka's tool takes it (after --reset-offsets), and as ours does. */
  kafkaArgs: string[];
  flags: ResetFlags;
  /** `--topic` value: the topic, or topic:partitions. */
  partitions?: string;
  /** Committed offsets of p0, p1, p2 afterwards (undefined: none). */
  expected: Array<number | undefined>;
}

const scenarios: Scenario[] = [
  { name: 'datetime between the records', kafkaArgs: ['--to-datetime', iso(T0 + 2 * MINUTE)], flags: { toDatetime: iso(T0 + 2 * MINUTE) }, expected: [3, 2, 0] },
  { name: 'datetime inside p0, after p1', kafkaArgs: ['--to-datetime', iso(T0 + 5.5 * MINUTE)], flags: { toDatetime: iso(T0 + 5.5 * MINUTE) }, expected: [6, 4, 0] },
  { name: 'datetime before every record', kafkaArgs: ['--to-datetime', iso(T0 - 60 * MINUTE)], flags: { toDatetime: iso(T0 - 60 * MINUTE) }, expected: [3, 0, 0] },
  { name: 'datetime after every record', kafkaArgs: ['--to-datetime', iso(T0 + 24 * 60 * MINUTE)], flags: { toDatetime: iso(T0 + 24 * 60 * MINUTE) }, expected: [10, 4, 0] },
  { name: 'earliest, on partitions 1 and 2 only', kafkaArgs: ['--to-earliest'], flags: { toEarliest: true }, partitions: '1,2', expected: [6, 0, 0] },
  { name: 'latest', kafkaArgs: ['--to-latest'], flags: { toLatest: true }, expected: [10, 4, 0] },
  { name: 'offset below the log start of p0, past the end of p2', kafkaArgs: ['--to-offset', '2'], flags: { toOffset: '2' }, expected: [3, 2, 0] },
  { name: 'offset past the end of p1', kafkaArgs: ['--to-offset', '7'], flags: { toOffset: '7' }, expected: [7, 4, 0] },
  { name: 'shift back past the log start', kafkaArgs: ['--shift-by', '-5'], flags: { shiftBy: '-5' }, partitions: '0,1', expected: [3, 0, undefined] },
  { name: 'shift forward past the log end', kafkaArgs: ['--shift-by', '3'], flags: { shiftBy: '3' }, partitions: '0,1', expected: [9, 4, undefined] },
];

describe('consumer-worker offsets: resets equal those of Kafka’s kafka-consumer-groups', () => {
  const t = new TestKafka();
  let topic: string;
  const committedOf = async (groupId: string) => {
    const offsets = (await fetchCommittedOffsets(t.admin, groupId, [topic])).get(topic) ?? [];
    return [0, 1, 2].map((p) => offsets.find((o) => o.partition === p)?.committed ?? undefined);
  };
  const commitBaseline = (groupId: string) =>
    t.admin.commitGroupOffsets({ groupId, topics: [{ topic, partitions: BASELINE.flatMap((offset, partition) => (offset === undefined ? [] : [{ partition, offset: String(offset) }])) }] });

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: 3, prefix: 'cw-offsets' });
    const producer = await t.producer();
    await producer.send({
      topic,
      messages: [
        ...Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `p0-${i}`, timestamp: String(T0 + i * MINUTE) })),
        ...Array.from({ length: 4 }, (_, i) => ({ partition: 1, value: `p1-${i}`, timestamp: String(T0 + (i + 0.5) * MINUTE) })),
      ],
    });
    // kafkajs's admin finds partition leaders only for topics its metadata already holds
    await t.admin.fetchTopicMetadata({ topics: [topic] });
    await t.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
  }, 60_000);
  afterAll(() => t.cleanup());

  it('sets, for every reset, the offsets Kafka’s tool sets from the same start', { timeout: 180_000 }, async () => {
    const groups = scenarios.map((s) => ({ kafka: t.groupId('cw-offsets-kafka'), ours: t.groupId('cw-offsets-ours'), scenario: s }));
    await Promise.all(groups.flatMap((g) => [commitBaseline(g.kafka), commitBaseline(g.ours)]));

    const kafkaRuns = await runKafkaConsumerGroups(
      groups.map(({ kafka, scenario }) => ['--group', kafka, '--topic', scenario.partitions ? `${topic}:${scenario.partitions}` : topic, '--reset-offsets', ...scenario.kafkaArgs, '--execute']),
    );
    for (const [i, run] of kafkaRuns.entries()) expect(run.code, `${scenarios[i]!.name}: ${run.output}`).toBe(0);

    for (const { ours, scenario } of groups) {
      const report = await groupOffsets(t.admin, {
        groupId: ours,
        selection: parseSelection([scenario.partitions ? `${topic}:${scenario.partitions}` : topic]),
        allTopics: false,
        spec: resetSpecFromFlags(scenario.flags),
        execute: true,
      });
      expect(report.executed, scenario.name).toBe(true);
    }

    const results = await Promise.all(groups.map(async (g) => ({ name: g.scenario.name, kafka: await committedOf(g.kafka), ours: await committedOf(g.ours), expected: g.scenario.expected })));
    for (const r of results) {
      expect(r.ours, r.name).toEqual(r.kafka);
      expect(r.ours, r.name).toEqual(r.expected);
    }
  });

  it('dry run by default: reports current, new and the records to reprocess, and changes nothing', async () => {
    const groupId = t.groupId('cw-offsets-dry');
    await commitBaseline(groupId);
    const report = await groupOffsets(t.admin, { groupId, selection: parseSelection([topic], '0,1'), allTopics: false, spec: { kind: 'shift', by: -2 }, execute: false });
    expect(report.executed).toBe(false);
    expect(report.partitions.map(({ partition, current, target, reprocess, skip, lagAfter }) => ({ partition, current, target, reprocess, skip, lagAfter }))).toEqual([
      { partition: 0, current: 6, target: 4, reprocess: 2, skip: 0, lagAfter: 6 },
      { partition: 1, current: 2, target: 0, reprocess: 2, skip: 0, lagAfter: 4 },
    ]);
    expect(formatReport(report)).toMatch(/reprocess 2 \(offsets 4\.\.5\)[\s\S]*4 record\(s\) to reprocess, 0 to skip\.\nNothing changed: add --execute/);
    expect(await committedOf(groupId)).toEqual([...BASELINE]);
  });

  it('refuses --execute while the group has members, naming them, and changes nothing (the CLI exits 1)', { timeout: 60_000 }, async () => {
    const groupId = t.groupId('cw-offsets-busy');
    await commitBaseline(groupId);
    const consumer = t.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic });
    const joined = waitForGroupJoin(consumer);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;

    const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', main, 'offsets', '--group', groupId, '--topic', topic, '--to-earliest', '--execute'], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/error \[GROUP_ACTIVE\]: group \S+ is Stable with 1 member\(s\): lagscale-test@/);
    expect(await committedOf(groupId)).toEqual([...BASELINE]);
  });
});
