// The fleet a chaos run disturbs: its consumer settings (which the duplicate bound is derived
// from) and lag-monitor's policy. Sized for a 2-core machine, like the demo: an I/O-bound handler,
// so a replica's throughput has a known ceiling and more replicas drain faster even on few cores.
import type { ConsumerBoundSettings } from './duplicate-bound.ts';

export const chaosConsumer = {
  threads: 2,
  chunkSize: 32,
  handlerWaitMs: 2,
  /** Small bounds keep what a crash can redeliver small: the duplicate bound scales with them. */
  maxUncommittedRecords: 400,
  highWaterMark: 200,
  lowWaterMark: 100,
  commitIntervalMs: 250,
  sessionTimeoutMs: 10_000,
  shutdownTimeoutMs: 15_000,
} as const;

export const chaosBoundSettings: ConsumerBoundSettings = {
  maxUncommittedRecords: chaosConsumer.maxUncommittedRecords,
  commitIntervalMs: chaosConsumer.commitIntervalMs,
  threads: chaosConsumer.threads,
  handlerWaitMs: chaosConsumer.handlerWaitMs,
};

export const chaosMonitor = {
  intervalMs: 1_000,
  windowMs: 10_000,
  drainTargetSeconds: 20,
  throughputPerReplica: 450,
  scaleDownStabilizationMs: 20_000,
  /** The local actuator's SIGTERM → SIGKILL grace for a replica. */
  stopTimeoutMs: 20_000,
} as const;

export const chaosTimeouts = {
  /** Sampling of the group's offsets and members. */
  sampleIntervalMs: 500,
  /** After a phase's producer ends: until the group has committed everything. */
  catchUpMs: 180_000,
  /** lag-monitor answering /healthz after a (re)start. */
  monitorStartMs: 90_000,
  /** The storm's extra replicas all in the group. */
  stormJoinMs: 90_000,
  /** A broker start after SIGKILL (log recovery on a busy machine). */
  brokerStartS: 180,
  verifyMs: 180_000,
} as const;

/** The replicas' environment: inherited from lag-monitor by its local actuator, passed directly to the storm's. */
export function consumerEnv(options: { brokers: string; input: string; output: string; dlq: string; handlerPath: string; controlDir: string }): Record<string, string> {
  return {
    KAFKA_BROKERS: options.brokers,
    CONSUMER_TOPIC: options.input,
    CONSUMER_OUTPUT_TOPIC: options.output,
    CONSUMER_DLQ_TOPIC: options.dlq,
    CONSUMER_HANDLER: options.handlerPath,
    CONSUMER_HANDLER_OPTIONS: `controlDir=${options.controlDir},waitMs=${chaosConsumer.handlerWaitMs}`,
    CONSUMER_THREADS: String(chaosConsumer.threads),
    CONSUMER_CHUNK_SIZE: String(chaosConsumer.chunkSize),
    CONSUMER_MAX_UNCOMMITTED_RECORDS: String(chaosConsumer.maxUncommittedRecords),
    CONSUMER_HIGH_WATER_MARK: String(chaosConsumer.highWaterMark),
    CONSUMER_LOW_WATER_MARK: String(chaosConsumer.lowWaterMark),
    CONSUMER_COMMIT_INTERVAL_MS: String(chaosConsumer.commitIntervalMs),
    CONSUMER_SESSION_TIMEOUT_MS: String(chaosConsumer.sessionTimeoutMs),
    CONSUMER_SHUTDOWN_TIMEOUT_MS: String(chaosConsumer.shutdownTimeoutMs),
    CONSUMER_PROGRESS_INTERVAL_MS: '0',
    CONSUMER_METRICS_PORT: '0',
  };
}

export function monitorEnv(options: { group: string; input: string; maxReplicas: number; port: number; logDir: string }): Record<string, string> {
  return {
    LAG_MONITOR_GROUPS: options.group,
    LAG_MONITOR_TOPICS: options.input,
    LAG_MONITOR_SCALE_GROUP: options.group,
    LAG_MONITOR_ACTUATOR: 'local',
    LAG_MONITOR_SCALE_MODE: 'rate',
    LAG_MONITOR_MIN_REPLICAS: '1',
    LAG_MONITOR_MAX_REPLICAS: String(options.maxReplicas),
    LAG_MONITOR_INTERVAL_MS: String(chaosMonitor.intervalMs),
    LAG_MONITOR_WINDOW_MS: String(chaosMonitor.windowMs),
    LAG_MONITOR_DRAIN_TARGET_SECONDS: String(chaosMonitor.drainTargetSeconds),
    LAG_MONITOR_MIN_THROUGHPUT_PER_REPLICA: String(chaosMonitor.throughputPerReplica),
    LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: String(chaosMonitor.scaleDownStabilizationMs),
    LAG_MONITOR_LOCAL_STOP_TIMEOUT_MS: String(chaosMonitor.stopTimeoutMs),
    LAG_MONITOR_LOCAL_LOG_DIR: options.logDir,
    LAG_MONITOR_METRICS_PORT: String(options.port),
    LAG_MONITOR_METRICS_HOST: '127.0.0.1',
  };
}
