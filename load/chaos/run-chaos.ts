// One chaos run: a throwaway broker of its own (the broker kill must not hit anyone else's), the
// pipeline producer-gen → consumer-worker replicas (started by lag-monitor's local actuator) →
// output topic, and the plan's phases one after another. Each phase: a producer-gen run with a
// producer id of its own, the faults on schedule, then a wait until the group has committed
// everything. At the end lag-monitor stops its fleet and `producer-gen verify` reads the input and
// the output topics; the per-producer reports give each phase its row.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectClient, createKafka, describeGroup, ensureTopic, fetchGroupTopicOffsets, loadKafkaConfig, silentLogger } from '@lagscale/kafka-core';
import type { TopicSequenceReport } from '@lagscale/kafka-core/sequence';
import { findFreePort, startEmbeddedBroker, throwawayBrokerOptions, type EmbeddedBroker } from '../../tools/kafka/embedded-broker.ts';
import type { ChaosRow } from './chaos-table.ts';
import { injectFault, until, type FaultContext } from './chaos-faults.ts';
import { ProcessSet, type Tracked } from './chaos-processes.ts';
import { chaosBoundSettings, chaosMonitor, chaosTimeouts, consumerEnv, monitorEnv } from './chaos-settings.ts';
import { duplicateBound, faultDisruption, membershipDisruptions } from './duplicate-bound.ts';
import type { ChaosPhase, ChaosPlan, FaultKind } from './fault-plan.ts';
import { recoveryMs, type GroupSample } from './recovery.ts';

export const FAULT_SWITCH_HANDLER = fileURLToPath(new URL('../../apps/consumer-worker/test-support/handlers/fault-switch.mjs', import.meta.url));

export interface ChaosRunOptions {
  plan: ChaosPlan;
  /** Logs of every process, and the control files of the fault-switch handler. */
  runDir: string;
  log?: (line: string) => void;
  /** Aborting ends every process the run started and stops its broker (Ctrl-C). */
  signal?: AbortSignal;
}

export interface ChaosRunResult {
  rows: ChaosRow[];
  durationMs: number;
}

interface PhaseRecord {
  phase: ChaosPhase;
  producerId: string;
  acked: number;
  failed: number;
  injections: Array<{ kind: FaultKind; injectedAt: number; clearedAt: number; members: number; note: string | undefined }>;
  samples: GroupSample[];
  caughtUp: boolean;
}

interface RunSummary {
  acked: number;
  failed: number;
  producerId: string;
}

const lastJsonLine = <T>(stdout: string): T | undefined => {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  return line === undefined ? undefined : (JSON.parse(line) as T);
};

export async function runChaos(options: ChaosRunOptions): Promise<ChaosRunResult> {
  const { plan } = options;
  const log = options.log ?? (() => undefined);
  const startedAt = Date.now();
  await mkdir(options.runDir, { recursive: true });
  const controlDir = await mkdtemp(join(options.runDir, 'control-'));
  const procs = new ProcessSet(options.runDir);
  const brokerOptions = await throwawayBrokerOptions('lagscale-chaos');
  let broker: EmbeddedBroker | undefined;
  let stopSampling = false;
  let sampling: Promise<void> = Promise.resolve();
  const disconnects: Array<() => Promise<unknown>> = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      stopSampling = true;
      await sampling.catch(() => undefined);
      await procs.stopAll(25_000);
      for (const disconnect of disconnects) await disconnect().catch(() => undefined);
      await broker?.stop().catch(() => undefined);
      await rm(brokerOptions.dataDir, { recursive: true, force: true });
      await rm(controlDir, { recursive: true, force: true });
    })());
  options.signal?.addEventListener('abort', () => void cleanup(), { once: true });

  try {
    log(`starting a broker of the run's own on 127.0.0.1:${brokerOptions.port}`);
    broker = await startEmbeddedBroker({ ...brokerOptions, deleteDataOnStop: true, waitTimeoutS: chaosTimeouts.brokerStartS });
    const brokers = broker.brokers.join(',');
    // Short retries: a sample while the broker is away fails fast and is skipped.
    const kafka = createKafka(loadKafkaConfig({ KAFKA_BROKERS: brokers, KAFKA_CLIENT_ID: 'lagscale-chaos', KAFKA_RETRIES: '1', KAFKA_REQUEST_TIMEOUT_MS: '3000', KAFKA_CONNECTION_TIMEOUT_MS: '1000' }), silentLogger());
    const admin = await connectClient(kafka.admin(), { brokers: broker.brokers, what: 'chaos admin' });
    disconnects.push(() => admin.disconnect());

    const stamp = `${Date.now().toString(36)}`;
    const input = `chaos.input-${stamp}`;
    const output = `${input}.out`;
    const dlq = `${input}.dlq`;
    const group = `chaos-workers-${stamp}`;
    for (const [topic, partitions] of [[input, plan.partitions], [output, plan.partitions], [dlq, 1]] as const) await ensureTopic(admin, { topic, partitions });

    const replicaEnv = consumerEnv({ brokers, input, output, dlq, handlerPath: FAULT_SWITCH_HANDLER, controlDir });
    const monitorPort = await findFreePort();
    const monitorUrl = `http://127.0.0.1:${monitorPort}`;
    let monitor: Tracked | undefined;
    let monitorStarts = 0;
    const startMonitor = async (): Promise<void> => {
      monitorStarts += 1;
      monitor = procs.app(`lag-monitor-${monitorStarts}`, 'lag-monitor', [], {
        ...replicaEnv,
        ...monitorEnv({ group, input, maxReplicas: plan.partitions, port: monitorPort, logDir: options.runDir }),
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      });
      const started = monitor;
      await until(
        async () => {
          if (started.child.exitCode !== null) throw new Error(`chaos: lag-monitor exited with ${started.child.exitCode} (log: ${options.runDir}/lag-monitor-${monitorStarts}.log)`);
          return fetch(`${monitorUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
        },
        chaosTimeouts.monitorStartMs,
        'lag-monitor /healthz',
        250,
      );
    };

    const readSample = async (): Promise<GroupSample> => {
      const atMs = Date.now();
      try {
        const [partitions, description] = await Promise.all([fetchGroupTopicOffsets(admin, group, input), describeGroup(admin, group)]);
        return { atMs, partitions, members: description.members.length };
      } catch {
        return { atMs };
      }
    };
    const samples: GroupSample[] = [];
    sampling = (async () => {
      while (!stopSampling) {
        samples.push(await readSample());
        await new Promise((resolve) => setTimeout(resolve, chaosTimeouts.sampleIntervalMs));
      }
    })();
    const lastMembers = () => [...samples].reverse().find((s) => s.members !== undefined)?.members ?? 0;

    const ctx: FaultContext = {
      plan,
      procs,
      brokerOptions,
      controlDir,
      replicaEnv,
      group,
      log,
      monitor: () => {
        if (monitor === undefined) throw new Error('chaos: lag-monitor is not running');
        return monitor;
      },
      restartMonitor: startMonitor,
      members: async () => (await readSample()).members,
      setBroker: (b) => {
        broker = b;
      },
    };

    log(`starting lag-monitor (local actuator: consumer-worker replicas; logs in ${options.runDir})`);
    await startMonitor();
    await until(async () => ((await ctx.members()) ?? 0) >= 1, chaosTimeouts.monitorStartMs, 'the first replica in the group', 250);

    const records: PhaseRecord[] = [];
    for (const phase of plan.phases) {
      log(`phase ${phase.name}: ${plan.rate} records/s for ${phase.produceMs / 1000} s${phase.faults.length ? `, faults ${phase.faults.map((f) => `${f.kind}@${f.atMs / 1000}s`).join(' ')}` : ''}`);
      const firstSample = samples.length;
      const endBefore = totalEnd(samples);
      const producer = procs.app(`producer-${phase.name}`, 'producer-gen', ['run', '--topic', input, '--rate', String(plan.rate), '--duration', `${phase.produceMs}ms`, '--workload', 'user-events', '--json'], {
        KAFKA_BROKERS: brokers,
        LOG_LEVEL: 'warn',
      });
      // The schedule starts once records arrive: producer-gen starting on a busy machine takes
      // seconds, and one that cannot reach the broker at its start fails fast (by design).
      await until(
        () => {
          if (producer.child.exitCode !== null) throw new Error(`chaos: producer-gen run of phase ${phase.name} exited with ${producer.child.exitCode} before producing (log: ${options.runDir}/producer-${phase.name}.log)`);
          return totalEnd(samples) > endBefore;
        },
        chaosTimeouts.monitorStartMs,
        `phase ${phase.name}'s first records`,
        100,
      );
      const phaseStart = Date.now();
      const injections = await Promise.all(
        phase.faults.map(async (fault) => {
          // The schedule: each fault at its offset from the phase's start.
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, phaseStart + fault.atMs - Date.now())));
          const members = lastMembers();
          const injectedAt = Date.now();
          log(`  ${fault.kind} (${members} member(s))`);
          // A fault that could not be injected as planned fails its phase, but the run goes on:
          // the pipeline is still checked, and the other phases still run.
          const note = await injectFault(fault.kind, ctx).catch((err: unknown) => `${fault.kind} failed: ${err instanceof Error ? err.message : String(err)}`);
          if (note !== undefined) log(`  ${note}`);
          return { kind: fault.kind, injectedAt, clearedAt: Date.now(), members, note };
        }),
      );
      await producer.exited;
      const summary = lastJsonLine<RunSummary>(producer.stdout());
      if (summary === undefined) throw new Error(`chaos: producer-gen run of phase ${phase.name} printed no summary (log: ${options.runDir}/producer-${phase.name}.log)`);
      const caughtUp = await until(
        async () => {
          const s = samples.at(-1);
          return s?.partitions !== undefined && s.atMs > Date.now() - 2_000 && s.partitions.every((p) => (p.committed ?? 0) >= p.end);
        },
        chaosTimeouts.catchUpMs,
        `the group to commit all of phase ${phase.name}`,
        250,
      ).then(() => true, () => false);
      records.push({ phase, producerId: summary.producerId, acked: summary.acked, failed: summary.failed, injections, samples: samples.slice(firstSample), caughtUp });
      log(`  ${summary.acked} records acknowledged${summary.failed ? `, ${summary.failed} failed` : ''}; ${caughtUp ? 'all committed' : 'NOT all committed in time'}`);
    }

    stopSampling = true;
    await sampling;
    log('stopping lag-monitor (its replicas finish and commit)');
    const last = ctx.monitor();
    last.child.kill('SIGTERM');
    await until(() => last.child.exitCode !== null || last.child.signalCode !== null, chaosMonitor.stopTimeoutMs + 30_000, 'lag-monitor to stop', 250);

    const expected = records.map((r) => `${r.producerId}=${r.acked}`).join(',');
    const verify = async (topic: string): Promise<TopicSequenceReport> => {
      const run = procs.app(`verify-${topic === input ? 'input' : 'output'}`, 'producer-gen', ['verify', '--topic', topic, '--expected', expected, '--timeout', `${chaosTimeouts.verifyMs}ms`, '--json'], {
        KAFKA_BROKERS: brokers,
        LOG_LEVEL: 'warn',
      });
      await run.exited;
      const report = lastJsonLine<TopicSequenceReport>(run.stdout());
      if (report === undefined) throw new Error(`chaos: producer-gen verify ${topic} printed no report (log: ${options.runDir}/verify-*.log)`);
      return report;
    };
    log('verifying the input and the output topics');
    const [inputReport, outputReport] = [await verify(input), await verify(output)];
    const rows = records.map((record) => rowOf(record, inputReport, outputReport, plan));
    return { rows, durationMs: Date.now() - startedAt };
  } finally {
    await cleanup();
  }
}

/** Records in the input topic as of the latest readable sample. */
function totalEnd(samples: readonly GroupSample[]): number {
  const latest = [...samples].reverse().find((s) => s.partitions !== undefined);
  return latest?.partitions?.reduce((sum, p) => sum + p.end, 0) ?? 0;
}

function rowOf(record: PhaseRecord, input: TopicSequenceReport, output: TopicSequenceReport, plan: ChaosPlan): ChaosRow {
  const of = (report: TopicSequenceReport) => report.producers.find((p) => p.producerId === record.producerId);
  const lost = (report: TopicSequenceReport) => {
    const p = of(report);
    return p === undefined ? record.acked : Math.max(p.gaps, record.acked - p.seen);
  };
  const disruptions = [...record.injections.map((i) => faultDisruption(i.kind, i.members)), ...membershipDisruptions(record.samples.map((s) => s.members))];
  const injectedAt = Math.min(...record.injections.map((i) => i.injectedAt));
  const clearedAt = Math.max(...record.injections.map((i) => i.clearedAt));
  const recovery = record.injections.length === 0
    ? 0
    : record.caughtUp
      ? recoveryMs(record.samples, { injectedAtMs: injectedAt, clearedAtMs: clearedAt, steadyLag: plan.rate })
      : undefined;
  return {
    phase: record.phase.name,
    faults: record.phase.faults.map((f) => f.kind),
    records: record.acked,
    lostInput: lost(input),
    lostOutput: lost(output),
    duplicatesOutput: of(output)?.duplicates ?? 0,
    duplicatesInput: of(input)?.duplicates ?? 0,
    bound: duplicateBound(chaosBoundSettings, disruptions),
    recoveryMs: recovery,
    keyOrderViolations: of(output)?.keyOrderViolations ?? 0,
    notes: [
      ...record.injections.flatMap((i) => (i.note === undefined ? [] : [i.note])),
      ...(record.failed > 0 ? [`producer-gen gave up on ${record.failed} records`] : []),
      ...(record.caughtUp ? [] : ['the group did not commit everything within the catch-up bound']),
    ],
  };
}
