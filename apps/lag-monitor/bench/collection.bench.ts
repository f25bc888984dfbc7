// One lag-monitor collection cycle over 1,000 partitions (50 topics × 20) × 20 groups that have
// committed on all of them, on a real broker (goal: < 1 s per cycle). The baseline in the same run
// reads the same numbers the plain way: kafka-core's fetchGroupTopicOffsets per group and topic
// (log offsets read again for every group); the collector also runs at several concurrencies.
// Run from apps/lag-monitor:  node --conditions=lagscale-source --import tsx bench/collection.bench.ts
// BENCH_LAYOUT=<name>: topics and groups named after it, created only when the topics do not exist
// yet and kept afterwards (to run the lag-monitor CLI against the same layout, or re-run without
// the setup); without it a fresh layout is created and deleted at the end.
// Bounded: fixed topic, group and cycle counts (BENCH_TOPICS, BENCH_CYCLES) and one overall timeout.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, defaultKafkaConfig, fetchGroupTopicOffsets, toKafkaJsRetry, type KafkaConfig } from '@lagscale/kafka-core';
import { waitFor, waitForGroupJoin } from '@lagscale/kafka-core/testing';
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { resolveBrokers, startEmbeddedBroker } from '../../../tools/kafka/embedded-broker.js';
import { createCollector, defaultCollectorOptions, monitorAdminRetry } from '../src/collect/index.js';
import { createLimiter } from '../src/collect/limiter.js';
import type { Snapshot } from '../src/model/index.js';

const TOPICS = Number(process.env.BENCH_TOPICS ?? 50);
const PARTITIONS = 20;
const GROUPS = Number(process.env.BENCH_GROUPS ?? 20);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 20);
const NAIVE_CYCLES = Number(process.env.BENCH_NAIVE_CYCLES ?? 3);
// The default size writes lag-collection; another size (BENCH_TOPICS, BENCH_GROUPS) its own suite.
const SUITE = TOPICS === 50 && GROUPS === 20 ? 'lag-collection' : `lag-collection-${TOPICS * PARTITIONS}x${GROUPS}`;
// Where to write the first ok snapshot as JSON (the scale bench feeds it through derive and /metrics).
const RECORD_SNAPSHOT = process.env.BENCH_RECORD_SNAPSHOT;
const RECORDS_PER_PARTITION = 10;
const CREATE_BATCH = 10;
const CONCURRENCIES = (process.env.BENCH_CONCURRENCIES ?? `1,4,${defaultCollectorOptions.concurrency},16`).split(',').map(Number);
const GOAL_MS = 1_000;
const TIMEOUT_MS = 600_000;

const LAYOUT = process.env.BENCH_LAYOUT;
const run = LAYOUT ?? `bench-lag-${Date.now().toString(36)}`;
const topics = Array.from({ length: TOPICS }, (_, i) => `${run}-t${String(i).padStart(2, '0')}`);
const groups = Array.from({ length: GROUPS }, (_, i) => `${run}-g${String(i).padStart(2, '0')}`);
// Every group a different position on every partition, some at the end, none past it.
const committedAt = (group: number, topic: number, partition: number): number => (group + topic + partition) % (RECORDS_PER_PARTITION + 1);

async function createTopics(admin: Admin): Promise<void> {
  for (let i = 0; i < topics.length; i += CREATE_BATCH) {
    // kafkajs's own wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION: wait below instead.
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.slice(i, i + CREATE_BATCH).map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    });
  }
  // A fresh broker can answer UNKNOWN_TOPIC_OR_PARTITION for a moment after creation: wait until
  // the metadata lists every partition with a leader and the offsets can be read.
  await waitFor(
    async () => {
      const { topics: listed } = await admin.fetchTopicMetadata({ topics });
      return listed.length === topics.length && listed.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0));
    },
    { timeoutMs: 60_000, intervalMs: 250, description: `${topics.length} topics with leaders` },
  );
  for (const topic of topics) await waitFor(async () => (await admin.fetchTopicOffsets(topic)).length === PARTITIONS, { timeoutMs: 30_000, description: `offsets of ${topic}` });
}

async function produce(kafka: Kafka): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: topics.map((topic) => ({
        topic,
        messages: Array.from({ length: PARTITIONS * RECORDS_PER_PARTITION }, (_, i) => ({ partition: i % PARTITIONS, value: `r${i}` })),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Commits every partition of every topic for one group, through a member that joins and then
 * leaves. kafkajs's admin setOffsets would take ~5 s per group and topic: 1,000 calls. Checked
 * with one OffsetFetch for all of the group's commits (naming 250 topics makes kafkajs's admin
 * queue a metadata update per topic behind one lock).
 */
async function commitGroup(kafka: Kafka, groupIndex: number): Promise<void> {
  const groupId = groups[groupIndex] ?? '';
  const wanted = topics.flatMap((topic, t) => Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: String(committedAt(groupIndex, t, partition)) })));
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const admin = kafka.admin();
  await Promise.all([consumer.connect(), admin.connect()]);
  try {
    await consumer.subscribe({ topics });
    const joined = waitForGroupJoin(consumer, 120_000);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    await waitFor(
      async () => {
        await consumer.commitOffsets(wanted);
        const committed = await admin.fetchOffsets({ groupId, topics: [] });
        const have = new Set(committed.flatMap((t) => t.partitions.map((p) => `${t.topic}:${p.partition}:${p.offset}`)));
        return wanted.every(({ topic, partition, offset }) => have.has(`${topic}:${partition}:${offset}`));
      },
      { timeoutMs: 120_000, intervalMs: 500, description: `the commits of ${groupId} to be readable` },
    );
  } finally {
    await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
  }
}

function check(snapshot: Snapshot): void {
  const partitions = snapshot.groups.reduce((sum, g) => sum + g.topics.reduce((n, t) => n + t.partitions.length, 0), 0);
  if (!snapshot.ok || snapshot.errors.length > 0 || snapshot.groups.length !== GROUPS || partitions !== GROUPS * TOPICS * PARTITIONS) {
    throw new Error(`incomplete snapshot: ok=${snapshot.ok}, ${snapshot.groups.length} groups, ${partitions} group partitions, errors ${JSON.stringify(snapshot.errors.slice(0, 3))}`);
  }
  const sample = snapshot.groups[3]?.topics[5]?.partitions[7];
  if (sample?.committed !== committedAt(3, 5, 7) || sample.end !== RECORDS_PER_PARTITION) throw new Error(`unexpected offsets ${JSON.stringify(sample)}`);
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

interface Measured {
  name: string;
  durationsMs: number[];
  /** CPU time (user + system) of this process per cycle, ms: what a busy machine's wall clock hides. */
  cpuMs: number[];
  callsPerCycle: number;
}

/** Counts the admin calls the collector makes, to show a cycle's request budget next to its time. */
function counting(admin: Admin): { admin: Admin; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(admin, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { admin: proxy, calls: () => calls };
}

async function measure(admin: Admin, name: string, concurrency: number, cycles: number): Promise<Measured> {
  const counted = counting(admin);
  const collector = createCollector(counted.admin, { groups, topics: [], timeoutMs: 30_000, concurrency });
  const durationsMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < cycles; i += 1) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const snapshot = await collector.collect();
    durationsMs.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
    check(snapshot);
    if (RECORD_SNAPSHOT !== undefined && i === 0) await writeFile(RECORD_SNAPSHOT, JSON.stringify(snapshot));
  }
  return { name, durationsMs, cpuMs, callsPerCycle: counted.calls() / cycles };
}

/** The baseline: every group × topic read on its own, as a script would with the admin helpers. */
async function measureNaive(admin: Admin, cycles: number): Promise<Measured> {
  const counted = counting(admin);
  const concurrency = defaultCollectorOptions.concurrency;
  const durationsMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < cycles; i += 1) {
    const limiter = createLimiter(concurrency);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const reads = await Promise.all(groups.flatMap((groupId) => topics.map((topic) => limiter.run(() => fetchGroupTopicOffsets(counted.admin, groupId, topic)))));
    durationsMs.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
    const partitions = reads.reduce((n, r) => n + r.length, 0);
    if (partitions !== GROUPS * TOPICS * PARTITIONS) throw new Error(`naive read gave ${partitions} group partitions`);
  }
  return { name: `baseline: fetchGroupTopicOffsets per group × topic (concurrency ${concurrency})`, durationsMs, cpuMs, callsPerCycle: counted.calls() / cycles };
}

function row(m: Measured, baseline: Measured): BenchRow {
  const sorted = [...m.durationsMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const median = quantile(sorted, 0.5);
  const p95 = quantile(sorted, 0.95);
  const baselineMedian = quantile([...baseline.durationsMs].sort((a, b) => a - b), 0.5);
  return {
    name: m.name,
    opsPerSec: 1000 / mean,
    meanMs: mean,
    extra: {
      cycles: sorted.length,
      'median ms': Math.round(median),
      'p95 ms': Math.round(p95),
      'max ms': Math.round(sorted.at(-1) ?? Number.NaN),
      'median CPU ms': Math.round(quantile([...m.cpuMs].sort((a, b) => a - b), 0.5)),
      'admin calls/cycle': Math.round(m.callsPerCycle),
      'speed-up vs baseline': `${(baselineMedian / median).toFixed(1)}×`,
      'goal < 1 s': m === baseline ? '—' : p95 < GOAL_MS ? 'met (p95)' : 'missed (p95)',
    },
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`collection bench: over ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(kafkaConfig: KafkaConfig, setupAdmin: Admin): Promise<void> {
  const kafka = createKafka(kafkaConfig);
  const setupStarted = performance.now();
  const existing = new Set(await setupAdmin.listTopics());
  if (LAYOUT !== undefined && topics.every((t) => existing.has(t))) {
    // A kept layout: check() below fails if it is not the one this bench makes.
    console.log(`reusing layout ${LAYOUT}: ${TOPICS} topics × ${PARTITIONS} partitions, ${GROUPS} groups`);
  } else {
    console.log(`creating ${TOPICS} topics × ${PARTITIONS} partitions, ${RECORDS_PER_PARTITION} records each, ${GROUPS} groups committed on all ...`);
    await createTopics(setupAdmin);
    await produce(kafka);
    for (let g = 0; g < GROUPS; g += 4) await Promise.all([g, g + 1, g + 2, g + 3].filter((i) => i < GROUPS).map((i) => commitGroup(kafka, i)));
    console.log(`set up in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);
  }

  // The collector's own client, as the lag-monitor runs it.
  const admin = createKafka(kafkaConfig).admin({ retry: toKafkaJsRetry(monitorAdminRetry) });
  await admin.connect();
  try {
    // The first cycle of a client also loads the metadata of every topic it had not read yet.
    const cold = await measure(admin, `first cycle of a new admin client (concurrency ${defaultCollectorOptions.concurrency})`, defaultCollectorOptions.concurrency, 1);
    const warm: Measured[] = [];
    for (const concurrency of CONCURRENCIES) {
      const m = await measure(admin, `collect, concurrency ${concurrency}${concurrency === defaultCollectorOptions.concurrency ? ' (default)' : ''}`, concurrency, CYCLES);
      console.log(`${m.name}: median ${Math.round(quantile([...m.durationsMs].sort((a, b) => a - b), 0.5))} ms`);
      warm.push(m);
    }
    const baseline = NAIVE_CYCLES > 0 ? await measureNaive(admin, NAIVE_CYCLES) : warm[0];
    if (baseline === undefined) throw new Error('no baseline: set BENCH_NAIVE_CYCLES or BENCH_CONCURRENCIES');
    console.log(`${baseline.name}: median ${Math.round(quantile([...baseline.durationsMs].sort((a, b) => a - b), 0.5))} ms`);
    const rows = NAIVE_CYCLES > 0 ? [row(baseline, baseline), row(cold, baseline), ...warm.map((m) => row(m, baseline))] : [row(cold, baseline), ...warm.map((m) => row(m, baseline))];
    await writeBenchReport(SUITE, rows, {
      notes:
        `One collection cycle: ${GROUPS} groups × ${TOPICS} topics × ${PARTITIONS} partitions (${(TOPICS * PARTITIONS).toLocaleString()} partitions, ${(GROUPS * TOPICS * PARTITIONS).toLocaleString()} group-partitions), every group committed on every partition; ` +
        `timed from collect() to the snapshot, one broker on the same 2-core machine. A cycle: one metadata request for all topics, one DescribeGroups, one committed-offsets read per group, log offsets of every watched topic in one ListOffsets per broker and end, shared by all groups ` +
        `(kafkajs adds a coordinator lookup per group read). Goal: < ${GOAL_MS} ms per cycle (checked on p95). ` +
        (NAIVE_CYCLES > 0
          ? `The baseline reads every group × topic on its own with kafka-core's fetchGroupTopicOffsets (${NAIVE_CYCLES} cycles): the same numbers, with log offsets read again per group. `
          : `No per-pair baseline at this size (${(GROUPS * TOPICS).toLocaleString()} pairs); speed-up is against the first warm row. `) +
        `CPU ms is this process's user + system time per cycle (the broker's is not counted); load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}. ` +
        `Then a new client's first cycle (kafkajs loads each topic's metadata once), and ${CYCLES} cycles each on a warm client at several concurrencies.`,
    });
  } finally {
    // Before the topics go: kafkajs would keep asking for their metadata.
    await admin.disconnect();
  }
}

const broker = process.env.KAFKA_BROKERS ? undefined : await startEmbeddedBroker();
const kafkaConfig: KafkaConfig = { ...defaultKafkaConfig, brokers: resolveBrokers(), logLevel: 'error' };
const setupAdmin = createKafka(kafkaConfig).admin();
await setupAdmin.connect();
try {
  await withTimeout(main(kafkaConfig, setupAdmin));
} finally {
  if (LAYOUT === undefined) await removeLayout();
  await setupAdmin.disconnect();
  if (broker?.startedByUs) await broker.stop();
}

async function removeLayout(): Promise<void> {
  // Only those that exist: one missing name fails the whole request (after kafkajs's retries).
  const created = await setupAdmin.listTopics().then((all) => topics.filter((t) => all.includes(t)), () => topics);
  if (created.length > 0) {
    await setupAdmin.deleteTopics({ topics: created, timeout: 30_000 }).catch((err: unknown) => console.error(`could not delete the bench topics: ${String(err)}`));
  }
  // One group per request: the broker writes a tombstone per committed offset in one batch, and
  // 20 groups × 1,000 offsets pass its 1 MB message limit (UNKNOWN_SERVER_ERROR).
  for (const group of groups) {
    await setupAdmin.deleteGroups([group]).catch((err: unknown) => console.error(`could not delete group ${group}: ${String(err)}`));
  }
}
