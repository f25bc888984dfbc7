// Everything a scenario runs against: the broker (embedded unless KAFKA_BROKERS is set), its
// topics, producer-gen's ingest, and for the pipeline scenarios consumer-worker and lag-monitor.
import type { Admin, Kafka } from 'kafkajs';
import { connectClient, createKafka, ensureTopic, loadKafkaConfig, silentLogger } from '@lagscale/kafka-core';
import { findFreePorts, resolveBrokers, startEmbeddedBroker, type EmbeddedBroker } from '../../../tools/kafka/embedded-broker.ts';
import type { ScenarioDefinition, ScenarioParams } from '../../scenarios/scenarios.ts';
import { startApp, type AppProcess } from './app-process.ts';

export interface LoadStack {
  brokers: string[];
  kafka: Kafka;
  admin: Admin;
  topic: string;
  /** pipeline scenarios: pass-through outputs, appended with the broker's LogAppendTime. */
  outputTopic: string | undefined;
  groupId: string | undefined;
  ingestUrl: string;
  /** The ingest's process, whose CPU the runner reads per stage. */
  ingestPid: number | undefined;
  monitorUrl: string | undefined;
  /** Stops what it started, deletes the run's topics; idempotent. */
  stop(): Promise<void>;
}

export interface StackOptions {
  runId: string;
  logDir: string;
  log: (line: string) => void;
  /** How long each app may take to become ready. */
  readyTimeoutMs: number;
  /** Keep the run's topics after the run (to look at them). */
  keepTopics: boolean;
}

/** Consumer settings shared by consumer-worker processes, whether the runner or lag-monitor starts them. */
function consumerEnv(params: ScenarioParams, brokers: string[], topic: string, outputTopic: string, groupId: string): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(','),
    CONSUMER_TOPIC: topic,
    CONSUMER_GROUP_ID: groupId,
    CONSUMER_OUTPUT_TOPIC: outputTopic,
    CONSUMER_DLQ_TOPIC: `${topic}.dlq`,
    CONSUMER_HANDLER: params.handler,
    CONSUMER_HANDLER_OPTIONS: params.handlerOptions,
    CONSUMER_THREADS: String(params.consumerThreads),
    CONSUMER_SESSION_TIMEOUT_MS: '10000',
    CONSUMER_COMMIT_INTERVAL_MS: '250',
    CONSUMER_PROGRESS_INTERVAL_MS: '0',
    CONSUMER_METRICS_PORT: '0',
  };
}

export async function startStack(definition: ScenarioDefinition, params: ScenarioParams, options: StackOptions): Promise<LoadStack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => options.log(`cleanup: ${String(err)}`));
    })();
    return stopping;
  };

  try {
    let broker: EmbeddedBroker | undefined;
    if (!process.env.KAFKA_BROKERS?.trim()) {
      options.log('starting the embedded Kafka broker ...');
      broker = await startEmbeddedBroker();
      const started = broker;
      if (started.startedByUs) cleanups.push(() => started.stop());
    }
    const brokers = broker?.brokers ?? resolveBrokers();
    const kafkaConfig = loadKafkaConfig({ ...process.env, KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT_ID: 'lagscale-load' });
    const kafka = createKafka(kafkaConfig, silentLogger());
    const admin = await connectClient(kafka.admin(), { brokers: kafkaConfig.brokers, what: 'load runner admin' });
    cleanups.push(() => admin.disconnect());

    const topic = `load.${definition.name}.${options.runId}`;
    const pipeline = definition.needs.consumers;
    const outputTopic = pipeline ? `${topic}.out` : undefined;
    const groupId = pipeline ? `load-${definition.name}-${options.runId}` : undefined;
    const topics = [topic, ...(pipeline ? [`${topic}.out`, `${topic}.dlq`] : [])];
    await ensureTopic(admin, { topic, partitions: params.partitions });
    if (outputTopic !== undefined) {
      // the output's append time, stamped by the broker, ends each record's end-to-end latency
      await ensureTopic(admin, { topic: outputTopic, partitions: params.partitions, configs: { 'message.timestamp.type': 'LogAppendTime' } });
      await ensureTopic(admin, { topic: `${topic}.dlq`, partitions: 1 });
    }
    if (!options.keepTopics) {
      cleanups.push(() => admin.deleteTopics({ topics }).catch(() => undefined));
    }

    const [ingestPort, consumerPort, monitorPort] = (await findFreePorts(3)) as [number, number, number];
    const env = { KAFKA_BROKERS: brokers.join(',') };
    const apps: AppProcess[] = [];
    cleanups.push(async () => {
      // the monitor first (it stops the replicas it started), then consumers, the ingest last
      for (const app of apps.reverse()) await app.stop();
    });
    options.log(`starting producer-gen serve (acks=${params.acks}) ...`);
    apps.push(
      await startApp({
        app: 'producer-gen',
        name: 'producer-gen-serve',
        args: ['serve', '--port', String(ingestPort), '--acks', params.acks, '--allowed-topics', topic, '--max-records-per-request', String(Math.max(1_000, params.shape.batchSize))],
        env,
        port: ingestPort,
        logDir: options.logDir,
        readyTimeoutMs: options.readyTimeoutMs,
      }),
    );
    const ingestUrl = apps[0]?.url ?? '';

    let monitorUrl: string | undefined;
    if (pipeline && outputTopic !== undefined && groupId !== undefined) {
      const consumers = consumerEnv(params, brokers, topic, outputTopic, groupId);
      if (!definition.needs.scaling) {
        options.log(`starting consumer-worker (${params.handler}, ${params.consumerThreads} threads) ...`);
        apps.push(
          await startApp({
            app: 'consumer-worker',
            name: 'consumer-worker',
            args: [],
            env: { ...consumers, CONSUMER_METRICS_PORT: String(consumerPort) },
            port: consumerPort,
            logDir: options.logDir,
            readyTimeoutMs: options.readyTimeoutMs,
          }),
        );
      }
      options.log(`starting lag-monitor${definition.needs.scaling ? ` (local actuator, up to ${params.maxReplicas} replicas)` : ''} ...`);
      const scaling: Record<string, string> = definition.needs.scaling
        ? {
            ...consumers,
            LAG_MONITOR_SCALE_GROUP: groupId,
            LAG_MONITOR_SCALE_MODE: 'rate',
            LAG_MONITOR_ACTUATOR: 'local',
            LAG_MONITOR_MIN_REPLICAS: '1',
            LAG_MONITOR_MAX_REPLICAS: String(params.maxReplicas),
            LAG_MONITOR_DRAIN_TARGET_SECONDS: '20',
            LAG_MONITOR_MIN_THROUGHPUT_PER_REPLICA: String(params.throughputPerReplica),
            LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: '20000',
            LAG_MONITOR_LOCAL_LOG_DIR: options.logDir,
            LAG_MONITOR_LOCAL_STOP_TIMEOUT_MS: '20000',
          }
        : {};
      const monitor = await startApp({
        app: 'lag-monitor',
        name: 'lag-monitor',
        args: [],
        env: {
          ...env,
          ...scaling,
          LAG_MONITOR_GROUPS: groupId,
          LAG_MONITOR_TOPICS: topic,
          LAG_MONITOR_INTERVAL_MS: '1000',
          LAG_MONITOR_WINDOW_MS: '10000',
          LAG_MONITOR_METRICS_PORT: String(monitorPort),
          LOG_LEVEL: 'info',
        },
        port: monitorPort,
        logDir: options.logDir,
        readyTimeoutMs: options.readyTimeoutMs,
      });
      apps.push(monitor);
      monitorUrl = monitor.url;
    }

    return { brokers, kafka, admin, topic, outputTopic, groupId, ingestUrl, ingestPid: apps[0]?.child.pid, monitorUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
