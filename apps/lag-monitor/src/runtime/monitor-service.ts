import type { Admin } from 'kafkajs';
import {
  connectClient,
  createKafka,
  createOpsServer,
  createRegistry,
  defineService,
  describeError,
  fromKafkaError,
  type KafkaConfig,
  type Logger,
  type OpsServer,
  type Registry,
  type Service,
  toKafkaJsRetry,
} from '@lagscale/kafka-core';
// Module by module, not the folders' indexes: @kubernetes/client-node (~70 MB of RSS) is loaded
// only by a monitor that uses the kubernetes actuator or leader election (see kubernetes()).
import { consumerWorkerCommand } from '../actuators/consumer-worker-command.js';
import { defaultKubernetesActuatorOptions } from '../actuators/kubernetes-settings.js';
import { createLocalActuator } from '../actuators/local-actuator.js';
import { createNoneActuator } from '../actuators/none-actuator.js';
import { createCollector, monitorAdminRetry, type Collector } from '../collect/index.js';
import { failedSnapshotBody } from '../collect/assemble-snapshot.js';
import { scalesOnTopic, type MonitorSettings } from '../config/monitor-config.js';
import { createDeriveState, defaultDeriveOptions, derive, type DeriveOptions, type DeriveState } from '../derive/index.js';
import { buildMonitorView, buildStatus, createLagExporter, type LagExporter, type MonitorView, type ScalingView, type StatusDocument } from '../export/index.js';
import { createLeaderElector, type LeaderElector, type LeaderStatus } from '../leader/leader-elector.js';
import { registerLeaderGauge } from '../leader/leader-gauge.js';
import type { Actuator, GroupTopicView, ScalingDecision, Snapshot } from '../model/index.js';
import { createPolicyState, decide, policyInputFrom, type PolicyState } from '../policy/index.js';
import { createViewHistory, registerUiRoutes } from '../ui/index.js';
import { createCycleLog } from './cycle-log.js';

export interface MonitorServiceOptions {
  kafkaConfig: KafkaConfig;
  settings: MonitorSettings;
  logger: Logger;
  registry?: Registry;
  /** Overrides the actuator LAG_MONITOR_ACTUATOR names (tests, the demo). */
  actuator?: Actuator;
  /** Called after every cycle: the live view of the demo, tests waiting for a condition. */
  onCycle?: (cycle: CycleResult) => void;
}

/** What one cycle saw and did. */
export interface CycleResult {
  snapshot: Snapshot;
  views: readonly GroupTopicView[];
  /**
   * Present when a group is scaled; `current` is what the actuator reported before acting,
   * `running` what it reports after (what /status and /metrics show as current replicas).
   */
  scaling?: { groupId: string; current: number; running: number; desired: number; decision: ScalingDecision; actuatorError?: string; notLeader?: true };
}

/** /status: the document of export/status plus, with leader election, who leads. */
export type MonitorStatus = StatusDocument & { leader?: LeaderStatus };

export interface MonitorService extends Service {
  /** Where /metrics and /status listen once started. */
  readonly url: string | undefined;
  status(): MonitorStatus;
  /** Runs one cycle now (tests); cycles never overlap. */
  cycleNow(): Promise<CycleResult>;
}

const RECENT_DECISIONS = 50;
/** The default labels of lag-monitor's registry, written on the series it renders itself too. */
const REGISTRY_LABELS = { app: 'lag-monitor' } as const;

/**
 * lag-monitor: every interval, one collection over one shared admin client, derive (lag, rates,
 * time lag, health), decide (when a group is scaled), act, export. A failed collection keeps
 * the last views, holds the replicas and counts the error; it never stops the loop.
 */
export function createMonitorService(options: MonitorServiceOptions): MonitorService {
  const { kafkaConfig, settings, logger } = options;
  const registry = options.registry ?? createRegistry({ app: REGISTRY_LABELS.app });
  const kafka = createKafka(kafkaConfig, logger);
  const newAdmin = (): Admin => kafka.admin({ retry: toKafkaJsRetry(monitorAdminRetry) });
  let admin = newAdmin();
  const collector: Collector = createCollector(admin, {
    // A kafkajs admin that read a topic which is then deleted fails every later metadata
    // refresh; the collector notices and asks for a fresh client.
    renewAdmin: async () => {
      await admin.disconnect().catch(() => undefined);
      admin = newAdmin();
      connected = false;
      await ensureConnected();
      return admin;
    },
    groups: settings.groups,
    ...(settings.groupPattern === undefined ? {} : { groupPattern: settings.groupPattern }),
    topics: settings.topics,
    ...(settings.topicPattern === undefined ? {} : { topicPattern: settings.topicPattern }),
    timeoutMs: settings.collectTimeoutMs,
  });
  const deriveOptions: DeriveOptions = {
    windowMs: settings.windowMs,
    historyMs: settings.historyMs,
    resetPolicy: settings.offsetReset,
    minSamples: defaultDeriveOptions.minSamples,
  };
  const exporter: LagExporter = createLagExporter(registry, { defaultLabels: REGISTRY_LABELS, partitionSeries: settings.partitionSeries });
  // The built-in view's bounded memory of recent cycles (/ui/, /ui/history).
  const history = createViewHistory(settings.intervalMs);
  const scaling = settings.scaling;
  let actuator: Actuator | undefined = options.actuator;
  let elector: LeaderElector | undefined;
  registerLeaderGauge(registry, () => elector === undefined || elector.isLeader());

  const cycleLog = createCycleLog(logger, { summaryIntervalMs: settings.summaryIntervalMs });

  let deriveState: DeriveState = createDeriveState(deriveOptions);
  let policyState: PolicyState = createPolicyState();
  let views: readonly GroupTopicView[] = [];
  let lastSnapshot: Snapshot | undefined;
  let lastScaling: CycleResult['scaling'];
  // What /status and /metrics both render: built once per cycle.
  let monitorView: MonitorView | undefined;
  let lastActuatorReadError: string | undefined;
  const decisions: ScalingDecision[] = [];
  let connected = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CycleResult> | undefined;
  let ops: OpsServer | undefined;
  let url: string | undefined;
  const startedAtMs = Date.now();

  /** The modules that use @kubernetes/client-node, loaded on first use. */
  async function kubernetes() {
    const [actuator, kubeConfig, leaseApi] = await Promise.all([
      import('../actuators/kubernetes-actuator.js'),
      import('../actuators/kube-config.js'),
      import('../leader/kubernetes-lease-api.js'),
    ]);
    return { createKubernetesActuator: actuator.createKubernetesActuator, loadKubeConfig: kubeConfig.loadKubeConfig, createKubernetesLeaseApi: leaseApi.createKubernetesLeaseApi };
  }

  async function makeActuator(): Promise<Actuator | undefined> {
    if (scaling === undefined) return undefined;
    const membersOf = () => views.filter((v) => v.groupId === scaling.groupId).reduce((max, v) => Math.max(max, v.members), 0);
    switch (settings.actuator) {
      case 'none':
        return createNoneActuator(membersOf);
      case 'kubernetes': {
        const { createKubernetesActuator } = await kubernetes();
        return createKubernetesActuator({
          namespace: settings.kubernetes.namespace,
          deployment: settings.kubernetes.deployment ?? '',
          auth: settings.kubernetes.auth,
          ...(settings.kubernetes.kubeconfigPath === undefined ? {} : { kubeconfigPath: settings.kubernetes.kubeconfigPath }),
          requestTimeoutMs: defaultKubernetesActuatorOptions.requestTimeoutMs,
        });
      }
      case 'local': {
        const { command, args } = consumerWorkerCommand();
        return createLocalActuator({
          command,
          args,
          // Each replica joins the scaled group and gets a metrics port of its own.
          env: (index) => ({ CONSUMER_GROUP_ID: scaling.groupId, CONSUMER_METRICS_PORT: '0', KAFKA_CLIENT_ID: `consumer-worker-${index}` }),
          stopTimeoutMs: settings.local.stopTimeoutMs,
          ...(settings.local.logDir === undefined ? {} : { logDir: settings.local.logDir }),
          onEvent: (event) => logger.info({ replica: event.index, pid: event.pid, code: event.code, signal: event.signal }, `replica ${event.type}`),
        });
      }
    }
  }

  async function makeElector(): Promise<LeaderElector | undefined> {
    const election = settings.leaderElection;
    if (election === undefined) return undefined;
    const { loadKubeConfig, createKubernetesLeaseApi } = await kubernetes();
    const { auth, kubeconfigPath } = settings.kubernetes;
    const kubeConfig = loadKubeConfig({ auth, ...(kubeconfigPath === undefined ? {} : { kubeconfigPath }) });
    // Half the renew deadline per call: a hung read and a hung write together still end in time.
    const requestTimeoutMs = Math.max(1_000, Math.floor(election.options.renewDeadlineMs / 2));
    return createLeaderElector({
      ...election.options,
      api: createKubernetesLeaseApi(kubeConfig, { ...election.lease, requestTimeoutMs }),
      logger,
      // A new leader acts at once on what it has been collecting all along: right after the
      // cycle in flight, which may have checked leadership before it was won.
      onChange: (leading) => {
        if (!leading || stopping) return;
        const inFlight = running ?? Promise.resolve();
        inFlight
          .catch(() => undefined)
          .then(() => (stopping ? undefined : cycleNow()))
          .catch((err: unknown) => logger.error({ err: describeError(err) }, 'cycle failed'));
      },
    });
  }

  async function ensureConnected(): Promise<void> {
    if (connected) return;
    // Bounded by a cycle's timeout; a failed client is disconnected, and the error says why
    // (unreachable, or AUTH_FAILED for rejected credentials).
    await connectClient(admin, { brokers: kafkaConfig.brokers, what: 'lag-monitor admin', deadlineMs: settings.collectTimeoutMs });
    connected = true;
  }

  async function scaleStep(snapshot: Snapshot): Promise<CycleResult['scaling']> {
    if (scaling === undefined || actuator === undefined) return undefined;
    const nowMs = snapshot.atMs;
    let current: number;
    try {
      current = await actuator.current();
    } catch (err) {
      // Without the current count there is nothing safe to do: no decision this cycle. Logged
      // when the reason changes, not every cycle.
      const why = describeError(err);
      if (why !== lastActuatorReadError) logger.warn({ err: why }, 'actuator could not read the current replicas; holding');
      lastActuatorReadError = why;
      return lastScaling === undefined ? undefined : { ...lastScaling, actuatorError: describeError(err) };
    }
    lastActuatorReadError = undefined;
    const groupViews = views.filter((v) => v.groupId === scaling.groupId && scalesOnTopic(scaling, v.topic));
    // not ok: the broker failed; policyInputFrom also holds when no view of the group was read.
    // A group the broker does not know yet is no failure: before its first replica runs, the
    // policy sizes it on the backlog of its configured topics (reported nowhere as lag).
    const groupFailed = snapshot.errors.some((e) => e.scope === 'group' && e.groupId === scaling.groupId && e.code !== 'GROUP_NOT_FOUND');
    const input = policyInputFrom(groupViews, { nowMs, currentReplicas: current, collectionOk: snapshot.ok && !groupFailed });
    const result = decide(policyState, input, scaling.policy);
    policyState = result.state;
    const decision = result.decision;
    decisions.push(decision);
    if (decisions.length > RECENT_DECISIONS) decisions.shift();
    let actuatorError: string | undefined;
    let running = current;
    // Checked right before acting: leading is a deadline that may have passed during the cycle.
    const notLeader = decision.desired !== current && elector !== undefined && !elector.isLeader();
    if (!notLeader && decision.desired !== current) {
      try {
        await actuator.scale(decision.desired);
        // What runs now, as the actuator says: the none actuator changes nothing, so its count
        // stays the members; the others report the count just set.
        running = await actuator.current().catch(() => decision.desired);
      } catch (err) {
        actuatorError = describeError(err);
      }
    }
    cycleLog.decision({ groupId: scaling.groupId, decision, ...(actuatorError === undefined ? {} : { actuatorError }), ...(notLeader ? { notLeader } : {}) });
    return {
      groupId: scaling.groupId,
      current,
      running,
      desired: decision.desired,
      decision,
      ...(actuatorError === undefined ? {} : { actuatorError }),
      ...(notLeader ? { notLeader: true as const } : {}),
    };
  }

  // Errors are logged when they change, not every cycle: a broker down for an hour is one line
  // (and one when it is back), an unknown group one line at start.
  let lastErrorKey = '';
  function logErrorChanges(snapshot: Snapshot): void {
    const key = snapshot.errors.map((e) => `${e.scope}|${e.groupId ?? ''}|${e.topic ?? ''}|${e.code}`).sort().join('\n');
    if (key === lastErrorKey) return;
    if (snapshot.errors.length === 0) logger.info('collection recovered: no errors');
    else if (!snapshot.ok) logger.warn({ errors: snapshot.errors }, 'collection failed: exporting up 0 and holding the replicas');
    else for (const e of snapshot.errors) logger.warn({ scope: e.scope, group: e.groupId, topic: e.topic, code: e.code }, e.message);
    lastErrorKey = key;
  }

  async function cycle(): Promise<CycleResult> {
    let snapshot: Snapshot;
    try {
      await ensureConnected();
      snapshot = await collector.collect();
    } catch (err) {
      snapshot = { atMs: Date.now(), durationMs: 0, ...failedSnapshotBody(fromKafkaError(err, { brokers: kafkaConfig.brokers, action: 'connect' })) };
    }
    logErrorChanges(snapshot);
    if (snapshot.ok) {
      const derived = derive(deriveState, snapshot, deriveOptions);
      deriveState = derived.state;
      views = derived.views;
    }
    lastSnapshot = snapshot;
    const scaled = await scaleStep(snapshot);
    lastScaling = scaled;
    const shownScaling = scaled === undefined ? undefined : scalingView(scaled);
    monitorView = buildMonitorView({ snapshot, views, ...(shownScaling === undefined ? {} : { scaling: shownScaling }), decisions });
    exporter.update(monitorView);
    cycleLog.cycle(monitorView, Date.now());
    const result: CycleResult = { snapshot, views, ...(scaled === undefined ? {} : { scaling: scaled }) };
    // The built-in view charts what /status reports: no lag for groups the broker does not know.
    history.record({ ...result, views: monitorView.views });
    options.onCycle?.(result);
    return result;
  }

  function cycleNow(): Promise<CycleResult> {
    running ??= cycle().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      cycleNow()
        .catch((err: unknown) => logger.error({ err: describeError(err) }, 'cycle failed'))
        .finally(schedule);
    }, settings.intervalMs);
  }

  const service = defineService({
    name: 'lag-monitor',
    async onStart() {
      actuator ??= await makeActuator();
      elector = await makeElector();
      elector?.start();
      ops = createOpsServer({
        registry,
        // The registry's text, then the per-partition series written as Buffers from the latest
        // cycle (no string step), each handed back once sent so the next chunks reuse it.
        exposition: () => ({ chunks: exporter.chunks(), release: (chunk: Buffer) => exporter.release(chunk) }),
        logger,
        host: settings.metricsHost,
        port: settings.metricsPort,
        readiness: { collected: () => (lastSnapshot === undefined ? 'no collection yet' : lastSnapshot.ok ? true : 'last collection failed') },
      });
      ops.app.get('/status', async () => status());
      registerUiRoutes(ops.app, history);
      url = (await ops.start()).url;
      try {
        await ensureConnected();
      } catch (err) {
        // Not fatal: a monitor reports `up 0` and keeps trying, like an exporter.
        logger.warn({ err: describeError(err) }, 'broker not reachable yet; will retry every cycle');
      }
      await cycleNow();
      schedule();
    },
    async onStop() {
      stopping = true;
      if (timer !== undefined) clearTimeout(timer);
      await running?.catch(() => undefined);
      // After the last cycle: the next replica takes over at its next look, not a lease later.
      await elector?.stop();
      // Stopping the monitor never scales the fleet: only the local actuator owns processes.
      await actuator?.stop();
      await admin.disconnect().catch(() => undefined);
      await ops?.stop();
    },
  });

  /** The scaled group as /status and /metrics show it. */
  function scalingView(scaled: NonNullable<CycleResult['scaling']>): ScalingView | undefined {
    if (scaling === undefined) return undefined;
    return {
      groupId: scaling.groupId,
      topics: scaling.topics,
      ...(scaling.topicPattern === undefined ? {} : { topicPattern: scaling.topicPattern.source }),
      actuator: actuator?.kind ?? settings.actuator,
      mode: scaling.policy.mode,
      current: scaled.running,
      desired: scaled.desired,
      decision: scaled.decision,
    };
  }

  function status(): MonitorStatus {
    const document = buildStatus(monitorView, { startedAtMs, nowMs: Date.now() });
    return elector === undefined ? document : { ...document, leader: elector.status() };
  }

  return {
    name: service.name,
    start: () => service.start(),
    stop: () => service.stop(),
    get url() {
      return url;
    },
    status,
    cycleNow,
  };
}
