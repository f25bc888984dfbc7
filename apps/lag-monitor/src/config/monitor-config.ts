import { collectEnv, ConfigError, defaultOpsServerOptions, envVar, optionalEnvVar, OFFSET_RESET_POLICIES, parsers } from '@lagscale/kafka-core';
import { compileTopicPattern } from '@lagscale/kafka-core/admin';
// Module by module, not the folder's index: that would load @kubernetes/client-node for every monitor.
import { ACTUATOR_KINDS } from '../actuators/actuator-kinds.js';
import { defaultKubernetesActuatorOptions, KUBERNETES_AUTH_MODES } from '../actuators/kubernetes-settings.js';
import { defaultLocalActuatorOptions } from '../actuators/local-actuator.js';
import { defaultCollectorOptions } from '../collect/index.js';
import { defaultDeriveOptions } from '../derive/index.js';
import { PARTITION_SERIES, type PartitionSeries } from '../export/series-text.js';
import { leaderElectionEnv, leaderElectionSettings, type LeaderElectionSettings } from '../leader/leader-settings.js';
import { defaultScalingPolicyOptions, SCALING_MODES, validateScalingPolicyOptions, type ScalingPolicyOptions } from '../policy/index.js';

/**
 * Defaults of the settings no component owns; every other default is read from its component's
 * defaults object (collector, derive, policy, actuators).
 */
export const defaultMonitorSettings = {
  intervalMs: 5_000,
  summaryIntervalMs: 60_000,
  partitionSeries: 'all',
  actuator: 'none',
  metricsPort: 9_467,
  metricsHost: defaultOpsServerOptions.host,
} as const;

/** Every lag-monitor setting, each a flag (its key) and an env variable. */
export const monitorEnv = {
  groups: optionalEnvVar('LAG_MONITOR_GROUPS', parsers.list(), { description: 'Consumer groups to watch, comma-separated' }),
  groupPattern: optionalEnvVar('LAG_MONITOR_GROUP_PATTERN', parsers.string(), { description: 'Also watch every group whose id matches this regular expression' }),
  topics: optionalEnvVar('LAG_MONITOR_TOPICS', parsers.list(), { description: 'Topics watched for every group even before it commits (groups are also watched on the topics they commit on)' }),
  topicPattern: optionalEnvVar('LAG_MONITOR_TOPIC_PATTERN', parsers.string(), {
    description: 'Also watch, for every group, each topic whose whole name matches this regular expression (as a consumer-worker --topic-pattern), those created later too',
  }),
  intervalMs: envVar('LAG_MONITOR_INTERVAL_MS', parsers.durationMs(), { description: 'Collection interval (e.g. 5s)', default: defaultMonitorSettings.intervalMs }),
  summaryIntervalMs: envVar('LAG_MONITOR_SUMMARY_INTERVAL_MS', parsers.durationMs(), {
    description: "How often each group's summary line is logged (lag, rates, health, replicas; e.g. 1m); 0: never",
    default: defaultMonitorSettings.summaryIntervalMs,
  }),
  collectTimeoutMs: envVar('LAG_MONITOR_COLLECT_TIMEOUT_MS', parsers.durationMs(), { description: 'Longest collection cycle before it counts as failed', default: defaultCollectorOptions.timeoutMs }),
  windowMs: envVar('LAG_MONITOR_WINDOW_MS', parsers.durationMs(), { description: 'Window of the rates and health rules (e.g. 60s)', default: defaultDeriveOptions.windowMs }),
  historyMs: envVar('LAG_MONITOR_HISTORY_MS', parsers.durationMs(), { description: 'End-offset history kept to estimate time lag', default: defaultDeriveOptions.historyMs }),
  offsetReset: envVar('LAG_MONITOR_OFFSET_RESET', parsers.oneOf(OFFSET_RESET_POLICIES), { description: 'Lag of a partition a group never committed: earliest (end − start) or latest (0)', default: defaultDeriveOptions.resetPolicy }),
  scaleGroup: optionalEnvVar('LAG_MONITOR_SCALE_GROUP', parsers.string(), { description: 'The group whose replicas are scaled (unset: watch and export only)' }),
  scaleTopics: optionalEnvVar('LAG_MONITOR_SCALE_TOPICS', parsers.list(), { description: 'Topics of the scaled group the policy looks at (default: all it is watched on)' }),
  scaleTopicPattern: optionalEnvVar('LAG_MONITOR_SCALE_TOPIC_PATTERN', parsers.string(), {
    description: "The scaled group's topics the policy looks at, as a pattern (a consumer-worker --topic-pattern); matching topics are also watched",
  }),
  scaleMode: envVar('LAG_MONITOR_SCALE_MODE', parsers.oneOf(SCALING_MODES), { description: 'rate: drain the backlog within the drain target; lag: ceil(lag / lag per replica)', default: defaultScalingPolicyOptions.mode }),
  minReplicas: envVar('LAG_MONITOR_MIN_REPLICAS', parsers.int(0, 10_000), { description: 'Fewest replicas (0 needs LAG_MONITOR_SCALE_TO_ZERO)', default: defaultScalingPolicyOptions.minReplicas }),
  maxReplicas: envVar('LAG_MONITOR_MAX_REPLICAS', parsers.int(1, 10_000), { description: 'Most replicas (never above the partition count either)', default: defaultScalingPolicyOptions.maxReplicas }),
  lagPerReplica: envVar('LAG_MONITOR_LAG_PER_REPLICA', parsers.int(1), { description: 'Mode lag: records of lag one replica is given', default: defaultScalingPolicyOptions.lagPerReplica }),
  drainTargetSeconds: envVar('LAG_MONITOR_DRAIN_TARGET_SECONDS', parsers.number(1, 86_400), { description: 'Mode rate: drain the backlog within this many seconds', default: defaultScalingPolicyOptions.drainTargetSeconds }),
  minThroughputPerReplica: envVar('LAG_MONITOR_MIN_THROUGHPUT_PER_REPLICA', parsers.number(1), { description: 'Mode rate: floor of the learned records/s per replica', default: defaultScalingPolicyOptions.minThroughputPerReplica }),
  capToLaggingPartitions: envVar('LAG_MONITOR_CAP_TO_LAGGING_PARTITIONS', parsers.bool(), { description: 'Never run more replicas than partitions with lag', default: defaultScalingPolicyOptions.capToLaggingPartitions }),
  scaleDownStabilizationMs: envVar('LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS', parsers.durationMs(), { description: 'Scale down only to the highest recommendation of this window (e.g. 5m)', default: defaultScalingPolicyOptions.scaleDownStabilizationMs }),
  scaleToZero: envVar('LAG_MONITOR_SCALE_TO_ZERO', parsers.bool(), { description: 'Allow 0 replicas when there is no lag and no production', default: defaultScalingPolicyOptions.scaleToZero }),
  activationLag: envVar('LAG_MONITOR_ACTIVATION_LAG', parsers.int(0), { description: 'From 0 replicas, start one only above this lag', default: defaultScalingPolicyOptions.activationLag }),
  actuator: envVar('LAG_MONITOR_ACTUATOR', parsers.oneOf(ACTUATOR_KINDS), { description: 'none (decide and export only), kubernetes, or local (consumer-worker processes on this machine)', default: defaultMonitorSettings.actuator }),
  k8sNamespace: envVar('LAG_MONITOR_K8S_NAMESPACE', parsers.string(), { description: 'Kubernetes: namespace of the Deployment (in a pod, set it from the downward API)', default: defaultKubernetesActuatorOptions.namespace }),
  k8sDeployment: optionalEnvVar('LAG_MONITOR_K8S_DEPLOYMENT', parsers.string(), { description: 'Kubernetes: the Deployment to scale' }),
  k8sAuth: envVar('LAG_MONITOR_K8S_AUTH', parsers.oneOf(KUBERNETES_AUTH_MODES), { description: 'Kubernetes auth: auto, in-cluster or kubeconfig', default: defaultKubernetesActuatorOptions.auth }),
  kubeconfig: optionalEnvVar('LAG_MONITOR_KUBECONFIG', parsers.string(), { description: 'Kubernetes: kubeconfig path (default: KUBECONFIG or ~/.kube/config)' }),
  ...leaderElectionEnv,
  localLogDir: optionalEnvVar('LAG_MONITOR_LOCAL_LOG_DIR', parsers.string(), { description: 'Local: directory for each replica\'s log (default: discard)' }),
  localStopTimeoutMs: envVar('LAG_MONITOR_LOCAL_STOP_TIMEOUT_MS', parsers.durationMs(), { description: "Local: SIGTERM, then SIGKILL after this; lag-monitor's own stop is bounded by this plus 10 s", default: defaultLocalActuatorOptions.stopTimeoutMs }),
  partitionSeries: envVar('LAG_MONITOR_PARTITION_SERIES', parsers.oneOf(PARTITION_SERIES), {
    description: 'Per group-partition series in /metrics: all, or offsets (kafka_exporter\'s lag and current offset only; for very large clusters)',
    default: defaultMonitorSettings.partitionSeries,
  }),
  metricsPort: envVar('LAG_MONITOR_METRICS_PORT', parsers.int(0, 65_535), { description: 'Port of /metrics /status /healthz /readyz (0: any free port)', default: defaultMonitorSettings.metricsPort }),
  metricsHost: envVar('LAG_MONITOR_METRICS_HOST', parsers.string(), { description: 'Address of the HTTP server', default: defaultMonitorSettings.metricsHost }),
};

/** The scaled group and which of its topics the policy looks at: named, matched, or (neither) all. */
export interface ScalingTarget {
  groupId: string;
  topics: string[];
  topicPattern?: RegExp;
  policy: ScalingPolicyOptions;
}

/** Whether the policy looks at the scaled group's lag on `topic`. Pure. */
/**
 * How long lag-monitor's own stop may take: the local actuator's SIGTERM-then-SIGKILL wait for
 * its replicas, plus 10 s for the last cycle, the lease release and the HTTP server.
 */
export function monitorShutdownTimeoutMs(localStopTimeoutMs: number): number {
  return localStopTimeoutMs + 10_000;
}

export function scalesOnTopic(target: Pick<ScalingTarget, 'topics' | 'topicPattern'>, topic: string): boolean {
  if (target.topics.length === 0 && target.topicPattern === undefined) return true;
  return target.topics.includes(topic) || (target.topicPattern?.test(topic) ?? false);
}

export interface MonitorSettings {
  groups: string[];
  groupPattern: RegExp | undefined;
  topics: string[];
  /** Topics watched by pattern (the watch and scale patterns together), whole-name. */
  topicPattern: RegExp | undefined;
  intervalMs: number;
  /** Per-group summary log line interval; 0: none. */
  summaryIntervalMs: number;
  collectTimeoutMs: number;
  windowMs: number;
  historyMs: number;
  offsetReset: (typeof OFFSET_RESET_POLICIES)[number];
  scaling: ScalingTarget | undefined;
  actuator: (typeof ACTUATOR_KINDS)[number];
  kubernetes: { namespace: string; deployment: string | undefined; auth: (typeof KUBERNETES_AUTH_MODES)[number]; kubeconfigPath: string | undefined };
  /** Several replicas, one actuating: the Lease and the election timing; undefined when off. */
  leaderElection: LeaderElectionSettings | undefined;
  local: { logDir: string | undefined; stopTimeoutMs: number };
  partitionSeries: PartitionSeries;
  metricsPort: number;
  metricsHost: string;
}

/** The policy names its options; a user knows them by their variables. */
const POLICY_ENV_NAMES: Record<string, string> = {
  mode: monitorEnv.scaleMode.name,
  minReplicas: monitorEnv.minReplicas.name,
  maxReplicas: monitorEnv.maxReplicas.name,
  lagPerReplica: monitorEnv.lagPerReplica.name,
  drainTargetSeconds: monitorEnv.drainTargetSeconds.name,
  minThroughputPerReplica: monitorEnv.minThroughputPerReplica.name,
  capToLaggingPartitions: monitorEnv.capToLaggingPartitions.name,
  scaleDownStabilizationMs: monitorEnv.scaleDownStabilizationMs.name,
  scaleToZero: monitorEnv.scaleToZero.name,
  activationLag: monitorEnv.activationLag.name,
};

function withEnvNames(problem: string): string {
  return problem.replace(/\b[a-z][A-Za-z]+\b/g, (word) => POLICY_ENV_NAMES[word] ?? word);
}

function compilePattern(raw: string | undefined, problems: string[], name = 'LAG_MONITOR_GROUP_PATTERN', compile = (source: string) => new RegExp(source)): RegExp | undefined {
  if (raw === undefined) return undefined;
  try {
    return compile(raw);
  } catch (err) {
    problems.push(`${name} must be a regular expression (got "${raw}": ${(err as Error).message})`);
    return undefined;
  }
}

/** Reads and checks the settings; ConfigError lists every problem by variable. */
export function loadMonitorSettings(source: Record<string, string | undefined> = process.env): MonitorSettings {
  const { values: v, problems } = collectEnv(monitorEnv, source);
  const groupPattern = compilePattern(v.groupPattern, problems);
  const watchPattern = compilePattern(v.topicPattern, problems, 'LAG_MONITOR_TOPIC_PATTERN', compileTopicPattern);
  const scalePattern = compilePattern(v.scaleTopicPattern, problems, 'LAG_MONITOR_SCALE_TOPIC_PATTERN', compileTopicPattern);
  if (v.scaleTopicPattern !== undefined && v.scaleGroup === undefined) problems.push('LAG_MONITOR_SCALE_TOPIC_PATTERN needs LAG_MONITOR_SCALE_GROUP');
  // The scaled topics are watched for every group too, so a topic created later counts before its first commit.
  const topicPattern = watchPattern === undefined || scalePattern === undefined ? (watchPattern ?? scalePattern) : new RegExp(`${watchPattern.source}|${scalePattern.source}`);
  const groups = v.groups ?? [];
  if (v.scaleGroup !== undefined && !groups.includes(v.scaleGroup) && !(groupPattern?.test(v.scaleGroup) ?? false)) {
    // The scaled group is always watched; adding it here saves a surprising "no data" hold.
    groups.push(v.scaleGroup);
  }
  if (groups.length === 0 && groupPattern === undefined) problems.push('LAG_MONITOR_GROUPS or LAG_MONITOR_GROUP_PATTERN must name at least one group to watch');
  if (v.collectTimeoutMs !== undefined && v.collectTimeoutMs < 100) problems.push(`LAG_MONITOR_COLLECT_TIMEOUT_MS must be at least 100ms (got ${v.collectTimeoutMs})`);
  if (v.intervalMs !== undefined && v.intervalMs < 100) problems.push(`LAG_MONITOR_INTERVAL_MS must be at least 100ms (got ${v.intervalMs})`);
  if (v.windowMs !== undefined && v.intervalMs !== undefined && v.windowMs < 2 * v.intervalMs) {
    problems.push(`LAG_MONITOR_WINDOW_MS must span at least two collection intervals (got ${v.windowMs} < 2 × ${v.intervalMs})`);
  }
  if (v.historyMs !== undefined && v.windowMs !== undefined && v.historyMs < v.windowMs) {
    problems.push(`LAG_MONITOR_HISTORY_MS must not be shorter than LAG_MONITOR_WINDOW_MS (got ${v.historyMs} < ${v.windowMs})`);
  }
  if (v.actuator !== undefined && v.actuator !== 'none' && v.scaleGroup === undefined) {
    problems.push(`LAG_MONITOR_SCALE_GROUP must be set when LAG_MONITOR_ACTUATOR is ${v.actuator}`);
  }
  if (v.actuator === 'kubernetes' && v.k8sDeployment === undefined) problems.push('LAG_MONITOR_K8S_DEPLOYMENT must be set when LAG_MONITOR_ACTUATOR is kubernetes');
  const leaderElection = leaderElectionSettings(v, v.k8sNamespace, source, problems);

  // Checked with the defaults standing in for settings that did not parse, so a cross-setting
  // problem (min above max) is reported together with the bad value.
  const policy: ScalingPolicyOptions = {
    ...defaultScalingPolicyOptions,
    mode: v.scaleMode ?? defaultScalingPolicyOptions.mode,
    minReplicas: v.minReplicas ?? defaultScalingPolicyOptions.minReplicas,
    maxReplicas: v.maxReplicas ?? defaultScalingPolicyOptions.maxReplicas,
    lagPerReplica: v.lagPerReplica ?? defaultScalingPolicyOptions.lagPerReplica,
    drainTargetSeconds: v.drainTargetSeconds ?? defaultScalingPolicyOptions.drainTargetSeconds,
    minThroughputPerReplica: v.minThroughputPerReplica ?? defaultScalingPolicyOptions.minThroughputPerReplica,
    capToLaggingPartitions: v.capToLaggingPartitions ?? defaultScalingPolicyOptions.capToLaggingPartitions,
    scaleDownStabilizationMs: v.scaleDownStabilizationMs ?? defaultScalingPolicyOptions.scaleDownStabilizationMs,
    scaleToZero: v.scaleToZero ?? defaultScalingPolicyOptions.scaleToZero,
    activationLag: v.activationLag ?? defaultScalingPolicyOptions.activationLag,
  };
  for (const problem of validateScalingPolicyOptions(policy)) problems.push(withEnvNames(problem));
  if (problems.length > 0) throw new ConfigError(problems);

  const all = v as Required<typeof v>;
  return {
    groups,
    groupPattern,
    topics: v.topics ?? [],
    topicPattern,
    intervalMs: all.intervalMs,
    summaryIntervalMs: all.summaryIntervalMs,
    collectTimeoutMs: all.collectTimeoutMs,
    windowMs: all.windowMs,
    historyMs: all.historyMs,
    offsetReset: all.offsetReset,
    scaling: v.scaleGroup === undefined ? undefined : { groupId: v.scaleGroup, topics: v.scaleTopics ?? [], ...(scalePattern === undefined ? {} : { topicPattern: scalePattern }), policy },
    actuator: all.actuator,
    kubernetes: { namespace: all.k8sNamespace, deployment: v.k8sDeployment, auth: all.k8sAuth, kubeconfigPath: v.kubeconfig },
    leaderElection,
    local: { logDir: v.localLogDir, stopTimeoutMs: all.localStopTimeoutMs },
    partitionSeries: all.partitionSeries,
    metricsPort: all.metricsPort,
    metricsHost: all.metricsHost,
  };
}
