// Added replicas, decision to productive: a group with a backlog consumed by one consumer-worker
// replica (the demo's I/O-bound handler: 2 ms per record, one thread) is scaled to SCALE_TO
// replicas through lag-monitor's local actuator, as a scale-up decision does. Measured from the
// scale() call to the first moment the group commits at ≥ 90% of the new fleet's capacity (the
// one replica's measured rate × SCALE_TO) over a trailing 2 s window; also the time until every
// replica is a member of the stable group. Replicas started from the built JavaScript (what the
// actuator runs when the build is fresh) and from the sources through tsx (what it ran before),
// alternating, ROUNDS of each, in the same run. Goal: productive within 10 s.
// Run from apps/lag-monitor (consumer-worker built first):
//   node --conditions=lagscale-source --import tsx bench/scale-up.bench.ts
// Bounded: fixed record count, ROUNDS rounds, every wait with a timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { createKafka, defaultKafkaConfig, ensureTopic, type KafkaConfig } from '@lagscale/kafka-core';
import { waitFor } from '@lagscale/kafka-core/testing';
import { writeBenchReport, type BenchRow } from '../../../tools/bench/report.js';
import { resolveBrokers, startEmbeddedBroker } from '../../../tools/kafka/embedded-broker.js';
import { consumerWorkerBuildIsFresh, consumerWorkerCommand, createLocalActuator, type ConsumerWorkerSource } from '../src/actuators/index.js';

const PARTITIONS = 8;
const SCALE_TO = Number(process.env.BENCH_SCALE_TO ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 120_000);
const HANDLER_WAIT_MS = 2;
const SHARE = 0.9;
const RATE_WINDOW_MS = 2_000;
const POLL_MS = 200;
const BASELINE_MS = 4_000;
const PRODUCTIVE_TIMEOUT_MS = 60_000;
const GOAL_MS = 10_000;

if (!consumerWorkerBuildIsFresh()) {
  console.error('scale-up bench: build consumer-worker first (npx nx run @lagscale/consumer-worker:build): the built replicas are what it measures');
  process.exit(2);
}

const broker = process.env.KAFKA_BROKERS ? undefined : await startEmbeddedBroker();
const kafkaConfig: KafkaConfig = { ...defaultKafkaConfig, brokers: resolveBrokers(), logLevel: 'error' };
const kafka = createKafka(kafkaConfig);
const admin = kafka.admin();
await admin.connect();
const run = `bench-scale-${Date.now().toString(36)}`;
const topic = `${run}-in`;
const logRoot = mkdtempSync(join(tmpdir(), 'scale-up-bench-'));

async function produceBacklog(): Promise<void> {
  await ensureTopic(admin, { topic, partitions: PARTITIONS });
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(100, 'x');
  for (let sent = 0; sent < RECORDS; sent += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, RECORDS - sent) }, (_, i) => ({ key: `k${(sent + i) % 997}`, value }));
    await producer.send({ topic, acks: 1, messages });
  }
  await producer.disconnect();
}

// A busy broker answers a coordinator lookup with COORDINATOR_NOT_AVAILABLE now and then: such a
// poll is skipped (undefined), the next one counts.
async function committed(admin: Admin, groupId: string): Promise<number | undefined> {
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } catch {
    return undefined;
  }
}

async function stableMembers(groupId: string): Promise<number> {
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    return group?.state === 'Stable' ? group.members.length : 0;
  } catch {
    return 0;
  }
}

async function committedNow(groupId: string): Promise<number> {
  return waitFor(async () => committed(admin, groupId), { timeoutMs: 30_000, intervalMs: POLL_MS, description: `committed offsets of ${groupId}` });
}

interface Round {
  from: ConsumerWorkerSource;
  firstCommitMs: number;
  perReplicaRate: number;
  allJoinedMs: number | null;
  productiveMs: number | null;
}

async function round(from: ConsumerWorkerSource, index: number): Promise<Round> {
  const groupId = `${run}-${from}-${index}`;
  const logDir = join(logRoot, groupId);
  const { command, args } = consumerWorkerCommand({ from });
  const actuator = createLocalActuator({
    command,
    args,
    env: () => ({
      KAFKA_BROKERS: kafkaConfig.brokers.join(','),
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_DLQ_TOPIC: `${run}-dlq`,
      CONSUMER_OFFSET_RESET: 'earliest',
      CONSUMER_HANDLER: 'io-wait',
      // No output topic here, so no pass-through: the rate measured is the handler's, not dead letters'.
      CONSUMER_HANDLER_OPTIONS: `waitMs=${HANDLER_WAIT_MS},passThrough=false`,
      CONSUMER_THREADS: '1',
      CONSUMER_CHUNK_SIZE: '32',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
      CONSUMER_SESSION_TIMEOUT_MS: '10000',
      CONSUMER_COMMIT_INTERVAL_MS: '250',
      LOG_LEVEL: 'info',
    }),
    stopTimeoutMs: 20_000,
    logDir,
  });
  try {
    const started = Date.now();
    await actuator.scale(1);
    await waitFor(async () => ((await committed(admin, groupId)) ?? 0) > 0, { timeoutMs: 60_000, intervalMs: POLL_MS, description: 'the first replica to commit' });
    const firstCommitMs = Date.now() - started;
    // The one replica's rate, once it runs: what each added replica should add.
    const c0 = await committedNow(groupId);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, BASELINE_MS));
    const perReplicaRate = ((await committedNow(groupId)) - c0) / ((Date.now() - t0) / 1000);
    const target = SHARE * Math.min(SCALE_TO, PARTITIONS) * perReplicaRate;

    const decidedAt = Date.now();
    await actuator.scale(SCALE_TO);
    const samples: Array<{ at: number; committed: number }> = [];
    let allJoinedMs: number | null = null;
    let productiveMs: number | null = null;
    while (Date.now() - decidedAt < PRODUCTIVE_TIMEOUT_MS && productiveMs === null) {
      const now = Date.now();
      const sample = await committed(admin, groupId);
      if (sample !== undefined) samples.push({ at: now, committed: sample });
      if (allJoinedMs === null && (await stableMembers(groupId)) === SCALE_TO) allJoinedMs = Date.now() - decidedAt;
      while (samples.length > 2 && (samples[1]?.at ?? now) <= now - RATE_WINDOW_MS) samples.shift();
      const first = samples[0];
      const last = samples.at(-1);
      if (first !== undefined && last !== undefined && last.at - first.at >= RATE_WINDOW_MS * 0.9) {
        const rate = ((last.committed - first.committed) * 1000) / (last.at - first.at);
        if (rate >= target) productiveMs = last.at - decidedAt;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return { from, firstCommitMs, perReplicaRate, allJoinedMs, productiveMs };
  } finally {
    await actuator.stop();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const seconds = (ms: number | null): string => (ms === null ? 'not reached' : `${(ms / 1000).toFixed(1)} s`);

try {
  await produceBacklog();
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    for (const from of ['source', 'built'] as const) {
      const r = await round(from, i);
      rounds.push(r);
      console.log(
        `${from}: first commit ${seconds(r.firstCommitMs)}, one replica ${Math.round(r.perReplicaRate)}/s, all ${SCALE_TO} joined ${seconds(r.allJoinedMs)}, productive ${seconds(r.productiveMs)}`,
      );
    }
  }
  const rows: BenchRow[] = (['source', 'built'] as const).map((from) => {
    const mine = rounds.filter((r) => r.from === from);
    const productive = mine.map((r) => r.productiveMs ?? PRODUCTIVE_TIMEOUT_MS);
    const joined = mine.map((r) => r.allJoinedMs ?? PRODUCTIVE_TIMEOUT_MS);
    const med = median(productive);
    return {
      name: `scale 1→${SCALE_TO}, replicas from ${from === 'built' ? 'built JavaScript' : 'sources through tsx'}`,
      opsPerSec: 1000 / med,
      meanMs: med,
      extra: {
        'productive (median)': seconds(med),
        'productive (min–max)': `${seconds(Math.min(...productive))}–${seconds(Math.max(...productive))}`,
        'all joined (median)': seconds(median(joined)),
        'first replica, start → first commit (median)': seconds(median(mine.map((r) => r.firstCommitMs))),
        'one replica (records/s, median)': Math.round(median(mine.map((r) => r.perReplicaRate))),
        rounds: mine.length,
        'goal ≤ 10 s': med <= GOAL_MS ? 'met' : 'missed',
      },
    };
  });
  await writeBenchReport('scale-up', rows, {
    notes:
      `A backlog of ${RECORDS.toLocaleString('en-US')} records on ${PARTITIONS} partitions, one replica consuming it (io-wait handler, ${HANDLER_WAIT_MS} ms per record, one thread, ` +
      `chunks of 32, commits every 250 ms), then scale(${SCALE_TO}) on lag-monitor's local actuator. "Productive": the group's committed offsets advance at ≥ ${SHARE * 100}% of ` +
      `${SCALE_TO} × the one replica's measured rate over a trailing ${RATE_WINDOW_MS / 1000} s window (the window is part of the time: a rate over 2 s cannot show full speed ` +
      `sooner than about 2 s after it starts). "All joined": the group is Stable with ${SCALE_TO} members. Built and source rounds alternate in the same run, ${ROUNDS} of each; ` +
      `a round that never reached the target counts as ${PRODUCTIVE_TIMEOUT_MS / 1000} s. One broker on the same 2-core machine as the replicas.`,
  });
} finally {
  await admin.disconnect();
  rmSync(logRoot, { recursive: true, force: true });
  if (broker?.startedByUs) await broker.stop();
}
