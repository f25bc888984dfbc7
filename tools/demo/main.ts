// `npm run demo`: the whole pipeline on the embedded broker. producer-gen pushes a spike into an
// 8-partition topic; lag-monitor watches the consumer group and, through its `local` actuator,
// starts and stops consumer-worker processes: 1 replica up to at most 8 and back down. A live view
// shows lag, rates, replicas and decisions; the run ends by itself with a report checked by the
// sequence verifier. Ctrl-C stops everything it started (a second Ctrl-C forces).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppError,
  connectClient,
  createKafka,
  createLogger,
  ensureTopic,
  fetchPartitionOffsets,
  loadKafkaConfig,
  runCommand,
  silentLogger,
} from '@lagscale/kafka-core';
import { verifyTopic } from '@lagscale/kafka-core/sequence';
import { consumerWorkerBuildIsFresh, consumerWorkerCommand, createLocalActuator, createMonitorService, loadMonitorSettings, UI_PATHS, type CycleResult, type ScalingDecision } from '@lagscale/lag-monitor';
import { resolveBrokers, startEmbeddedBroker, type EmbeddedBroker } from '../kafka/embedded-broker.js';
import { demoPhase, demoPlan } from './demo-plan.js';
import { DemoTracker, formatReport, reportFrom } from './demo-report.js';
import { LiveView, renderFrame } from './live-view.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runDir = join(repoRoot, 'reports', 'demo');

/** producer-gen's `run` as a child process; resolves with the records Kafka acknowledged. */
function startProducer(env: Record<string, string>, topic: string): { child: ChildProcess; done: Promise<number> } {
  const args = [
    '--conditions=lagscale-source', '--import', 'tsx', join(repoRoot, 'apps/producer-gen/src/cli/main.ts'), 'run',
    '--topic', topic, '--workload', 'user-events', '--profile', 'spike',
    '--rate', String(demoPlan.baseRate), '--peak-rate', String(demoPlan.peakRate),
    '--spike-at', `${demoPlan.spikeAtMs}ms`, '--spike-duration', `${demoPlan.spikeDurationMs}ms`,
    '--duration', `${demoPlan.produceForMs}ms`, '--json',
  ];
  const log = createWriteStream(join(runDir, 'producer-gen.log'));
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    log.write(chunk);
  });
  child.stderr?.pipe(log);
  const done = new Promise<number>((resolveDone, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      log.end();
      const summary = stdout.split('\n').reverse().find((line) => line.startsWith('{') && line.includes('"acked"'));
      if (summary === undefined) {
        reject(new Error(`producer-gen exited with code ${code} without a summary (see ${join(runDir, 'producer-gen.log')})`));
        return;
      }
      resolveDone((JSON.parse(summary) as { acked: number }).acked);
    });
  });
  return { child, done };
}

/** `nx run @lagscale/consumer-worker:build` (and the libraries it needs; cached by Nx). */
function buildConsumerWorker(): void {
  const logPath = join(runDir, 'build.log');
  const nx = join(repoRoot, 'node_modules', '.bin', 'nx');
  const result = spawnSync(nx, ['run', '@lagscale/consumer-worker:build', '--outputStyle=static'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NX_TUI: 'false' } });
  writeFileSync(logPath, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.error !== undefined || result.status !== 0 || !consumerWorkerBuildIsFresh()) {
    throw new AppError('INTERNAL', `building consumer-worker failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}); see ${logPath}`, { retriable: false });
  }
}

async function main(): Promise<number> {
  mkdirSync(runDir, { recursive: true });
  const startedAt = Date.now();
  const elapsed = () => Date.now() - startedAt;
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    console.log('\ninterrupted: stopping the producer, the consumers and the broker (Ctrl-C again to force)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const cleanups: Array<() => Promise<unknown>> = [];
  let broker: EmbeddedBroker | undefined;
  let producer: ReturnType<typeof startProducer> | undefined;
  try {
    if (process.env.KAFKA_BROKERS?.trim()) {
      console.log(`using the Kafka cluster at ${process.env.KAFKA_BROKERS}`);
    } else {
      console.log('starting the embedded Kafka broker (tools/kafka) ...');
      broker = await startEmbeddedBroker();
      console.log(`broker ready at ${broker.brokers.join(',')}${broker.startedByUs ? '' : ' (already running)'}`);
    }
    const brokers = resolveBrokers().join(',');
    const kafkaConfig = loadKafkaConfig({ ...process.env, KAFKA_BROKERS: brokers, KAFKA_CLIENT_ID: 'lagscale-demo' });
    const kafka = createKafka(kafkaConfig, silentLogger());
    const admin = await connectClient(kafka.admin(), { brokers: kafkaConfig.brokers, what: 'demo admin' });
    cleanups.push(() => admin.disconnect());

    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const topic = `demo.orders-${stamp}`;
    const outputTopic = `${topic}.processed`;
    const dlqTopic = `${topic}.dlq`;
    const groupId = `demo-workers-${stamp}`;
    for (const [name, partitions] of [[topic, demoPlan.partitions], [outputTopic, demoPlan.partitions], [dlqTopic, 1]] as const) {
      await ensureTopic(admin, { topic: name, partitions });
    }
    cleanups.unshift(() => admin.deleteTopics({ topics: [topic, outputTopic, dlqTopic] }).catch(() => undefined));
    console.log(`topic ${topic} (${demoPlan.partitions} partitions) → consumer group ${groupId} → ${outputTopic}; logs in ${runDir}`);

    // Replicas run the built JavaScript: started through a TypeScript loader, each one (and each of
    // its worker threads) spends a second or more of CPU compiling before it can join the group.
    if (!consumerWorkerBuildIsFresh()) {
      console.log('building consumer-worker (replicas start from built JavaScript) ...');
      buildConsumerWorker();
    }
    const { command, args } = consumerWorkerCommand({ from: 'built' });
    const actuator = createLocalActuator({
      command,
      args,
      env: () => ({
        KAFKA_BROKERS: brokers,
        CONSUMER_TOPIC: topic,
        CONSUMER_GROUP_ID: groupId,
        CONSUMER_OUTPUT_TOPIC: outputTopic,
        CONSUMER_DLQ_TOPIC: dlqTopic,
        CONSUMER_HANDLER: 'io-wait',
        CONSUMER_HANDLER_OPTIONS: `waitMs=${demoPlan.handlerWaitMs}`,
        CONSUMER_THREADS: String(demoPlan.threadsPerReplica),
        // Small chunks: what a replica has in flight when a rebalance takes its partitions is
        // what gets processed twice.
        CONSUMER_CHUNK_SIZE: String(demoPlan.chunkSize),
        CONSUMER_METRICS_PORT: '0',
        CONSUMER_PROGRESS_INTERVAL_MS: '0',
        CONSUMER_SESSION_TIMEOUT_MS: '10000',
        CONSUMER_COMMIT_INTERVAL_MS: '250',
        LOG_LEVEL: 'warn',
      }),
      stopTimeoutMs: 20_000,
      logDir: runDir,
    });
    const settings = loadMonitorSettings({
      LAG_MONITOR_GROUPS: groupId,
      LAG_MONITOR_TOPICS: topic,
      LAG_MONITOR_INTERVAL_MS: String(demoPlan.intervalMs),
      LAG_MONITOR_WINDOW_MS: String(demoPlan.windowMs),
      LAG_MONITOR_HISTORY_MS: '600000',
      LAG_MONITOR_SCALE_GROUP: groupId,
      LAG_MONITOR_SCALE_MODE: 'rate',
      LAG_MONITOR_MIN_REPLICAS: '1',
      LAG_MONITOR_MAX_REPLICAS: String(demoPlan.maxReplicas),
      LAG_MONITOR_DRAIN_TARGET_SECONDS: String(demoPlan.drainTargetSeconds),
      LAG_MONITOR_MIN_THROUGHPUT_PER_REPLICA: String(demoPlan.throughputPerReplica),
      LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: String(demoPlan.scaleDownStabilizationMs),
      LAG_MONITOR_ACTUATOR: 'local',
      LAG_MONITOR_METRICS_PORT: '0',
    });
    const monitorLog = createWriteStream(join(runDir, 'lag-monitor.log'));
    const logger = createLogger({ name: 'lag-monitor', level: 'info', destination: monitorLog });

    const view = new LiveView();
    const tracker = new DemoTracker();
    let producerDone = false;
    let lastChange: ScalingDecision | undefined;
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolveSettled) => {
      settle = resolveSettled;
    });
    const onCycle = (cycle: CycleResult) => {
      const group = cycle.views.find((v) => v.groupId === groupId && v.topic === topic);
      const replicas = cycle.scaling?.desired ?? 0;
      const decision = cycle.scaling?.decision;
      if (decision !== undefined && decision.desired !== decision.current) lastChange = decision;
      const committed = group?.partitions.reduce((sum, p) => sum + (p.committed ?? p.start), 0);
      tracker.observe(elapsed(), group?.totalLag ?? 0, replicas, decision, committed);
      const phase = demoPhase({ elapsedMs: elapsed(), producerDone, totalLag: group?.totalLag ?? 0, replicas, minReplicas: 1 });
      const lines = renderFrame(cycle, group, { elapsedMs: elapsed(), expectedMs: demoPlan.expectedMs, phase, produced: group?.partitions.reduce((sum, p) => sum + p.end, 0) ?? 0 }, lastChange);
      const plain = `${(elapsed() / 1000).toFixed(0)}s ${phase}: lag ${group?.totalLag ?? '?'}, in ${Math.round(group?.productionRate ?? 0)}/s, out ${Math.round(group?.consumptionRate ?? 0)}/s, replicas ${replicas}, ${decision === undefined ? '' : `${decision.action} (${decision.reason})`}`;
      view.draw(lines, plain, elapsed());
      if (phase === 'settled') settle();
    };
    const monitor = createMonitorService({ kafkaConfig, settings, logger, actuator, onCycle });
    cleanups.unshift(async () => {
      await monitor.stop();
      monitorLog.end();
    });
    await monitor.start();
    console.log(`lag-monitor: open ${monitor.url}${UI_PATHS.page} for the live charts (also ${monitor.url}/status and ${monitor.url}/metrics)`);

    producer = startProducer({ KAFKA_BROKERS: brokers }, topic);
    const child = producer.child;
    cleanups.unshift(async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });
    // Rejects on Ctrl-C: the waits for the producer and for the fleet to settle race it.
    const interrupted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error('interrupted'))));
    const produced = await Promise.race([producer.done, interrupted]);
    producerDone = true;

    const deadline = new Promise<'deadline'>((r) => setTimeout(() => r('deadline'), Math.max(0, demoPlan.deadlineMs - elapsed())).unref());
    const ended = await Promise.race([settled.then(() => 'settled' as const), deadline, interrupted]);

    view.print('stopping the consumers (they finish in-flight records and commit) ...');
    await monitor.stop();
    monitorLog.end();
    view.print(`verifying ${outputTopic} against the ${produced.toLocaleString('en-US')} records produced ...`);
    const verified = await verifyTopic(kafka, { topic: outputTopic, expected: produced, timeoutMs: 120_000, logger: silentLogger() });
    const deadLettered = (await fetchPartitionOffsets(admin, dlqTopic)).reduce((sum, p) => sum + p.end - p.start, 0);
    const report = reportFrom({ settled: ended === 'settled', durationMs: elapsed(), produced, verified, deadLettered, tracker });
    writeFileSync(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(formatReport(report));
    console.log(`\n(report: ${join(runDir, 'report.json')})`);
    return report.lost === 0 ? 0 : 1;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    if (broker?.startedByUs) {
      console.log('stopping the embedded broker ...');
      await broker.stop();
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

await runCommand(main);
