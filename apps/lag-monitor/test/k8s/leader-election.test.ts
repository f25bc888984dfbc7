// Two lag-monitor processes on a real API server, each with a token bound to a pod of its own
// (as the kubelet gives one): exactly one actuates; after kill -9 of the leader the other takes
// the Lease and actuates within the lease duration plus one interval; a leader that stalls past
// its renew deadline (SIGSTOP) does not actuate when it wakes. The audit log records every PATCH
// of the consumer Deployment's scale with the pod that sent it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitAsGroup, TestKafka, testBrokers, waitFor } from '@lagscale/kafka-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePorts } from '../../../../tools/kafka/embedded-broker.js';
import { findSample } from '../../test-support/prometheus-text.js';
import { scrape } from '../monitor-helpers.js';
import { isRunning } from '../process-helpers.js';
import { expectOk } from '../../../../tools/k8s/kube-client.js';
import { CONSUMER_DEPLOYMENT, createMonitorPod, deployDev, LEASE, monitorKubeconfig, replicasOf, scaleWrites, setReplicas, type DeployedDev, type ScaleWrite } from './k8s-fixtures.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const PARTITIONS = 4;
const INTERVAL_MS = 2_000;
// Short, but with room for a process starved of CPU for a few seconds on a busy machine: a
// leader that cannot renew for 4 s steps down (correctly), and the test would see a handover.
const LEASE_DURATION_MS = 6_000;
const timing = {
  LAG_MONITOR_INTERVAL_MS: String(INTERVAL_MS),
  LAG_MONITOR_LEASE_DURATION_MS: String(LEASE_DURATION_MS),
  LAG_MONITOR_LEASE_RENEW_DEADLINE_MS: '4000',
  LAG_MONITOR_LEASE_RETRY_PERIOD_MS: '250',
};

interface MonitorProcess {
  pod: string;
  url: string;
  child: ChildProcess;
  logPath: string;
  exited: Promise<void>;
}

let deployed: DeployedDev;
let group: string;
const processes: MonitorProcess[] = [];
const t = new TestKafka();

beforeAll(async () => {
  deployed = await deployDev('ha');
  const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'k8s-ha' });
  const producer = await t.producer();
  await producer.send({ topic, messages: Array.from({ length: 400 }, (_, i) => ({ partition: i % PARTITIONS, key: `k${i}`, value: `v${i}` })) });
  group = t.groupId('k8s-ha-workers');
  // Lag stays at 400: the policy wants 40 replicas, capped at the 4 partitions, all along.
  await commitAsGroup(t, group, { [topic]: Array<number>(PARTITIONS).fill(0) });
});

afterAll(async () => {
  for (const p of processes) {
    if (p.child.pid !== undefined && isRunning(p.child.pid)) {
      p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
    }
    await p.exited;
  }
  await t.cleanup();
  await deployed?.cleanup();
});

/** lag-monitor as its Deployment runs it: the CLI, settings from env, POD_NAME from the pod. */
async function startMonitorProcess(pod: { name: string; uid: string }): Promise<MonitorProcess> {
  const { path } = await monitorKubeconfig(deployed, { pod });
  const [port] = await findFreePorts(1);
  const logPath = join(deployed.dir, `${pod.name}-${processes.length}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', join(repoRoot, 'apps/lag-monitor/src/cli/main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_BROKERS: testBrokers().join(','),
      LOG_LEVEL: 'info',
      POD_NAME: pod.name,
      LAG_MONITOR_SCALE_GROUP: group,
      LAG_MONITOR_SCALE_MODE: 'lag',
      LAG_MONITOR_LAG_PER_REPLICA: '10',
      LAG_MONITOR_MAX_REPLICAS: '10',
      LAG_MONITOR_ACTUATOR: 'kubernetes',
      LAG_MONITOR_K8S_NAMESPACE: deployed.namespace,
      LAG_MONITOR_K8S_DEPLOYMENT: CONSUMER_DEPLOYMENT,
      LAG_MONITOR_K8S_AUTH: 'kubeconfig',
      LAG_MONITOR_KUBECONFIG: path,
      LAG_MONITOR_LEADER_ELECTION: 'true',
      LAG_MONITOR_METRICS_PORT: String(port),
      ...timing,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const started: MonitorProcess = { pod: pod.name, url: `http://127.0.0.1:${port}`, child, logPath, exited };
  processes.push(started);
  await waitFor(async () => (await fetch(`${started.url}/healthz`)).ok, { timeoutMs: 60_000, description: `${pod.name} serving /healthz` });
  return started;
}

/** lag_monitor_leader of a running process, read from its /metrics. */
async function leaderGauge(p: MonitorProcess): Promise<number | undefined> {
  return findSample(await scrape(p.url), 'lag_monitor_leader')?.value;
}

/** The recent decisions in a process's /status. */
async function decisionsOf(p: MonitorProcess): Promise<Array<{ atMs: number; current: number; desired: number }>> {
  const status = (await (await fetch(`${p.url}/status`)).json()) as { decisions?: Array<{ atMs: number; current: number; desired: number }> };
  return status.decisions ?? [];
}

async function leaseHolder(): Promise<string | undefined> {
  const lease = await expectOk<{ spec?: { holderIdentity?: string } }>(deployed.admin, 'GET', `/apis/coordination.k8s.io/v1/namespaces/${deployed.namespace}/leases/${LEASE}`);
  return lease.spec?.holderIdentity || undefined;
}

async function logsOf(list: readonly MonitorProcess[]): Promise<string> {
  const parts = await Promise.all(list.map(async (p) => `---- ${p.pod} ----\n${(await readFile(p.logPath, 'utf8')).split('\n').slice(-40).join('\n')}`));
  return parts.join('\n');
}

const monitorWrites = async (): Promise<ScaleWrite[]> => (await scaleWrites(deployed)).filter((w) => w.pod !== undefined);

/**
 * The monitors' scale writes received after `sinceMs`, once there is at least one: the API server
 * logs a request's ResponseComplete audit event after it has answered, so the restored scale can
 * be read a moment before the write that restored it is in the log.
 */
async function writesSince(sinceMs: number, what: string): Promise<ScaleWrite[]> {
  const since = async () => (await monitorWrites()).filter((w) => w.atMs > sinceMs);
  await waitFor(async () => (await since()).length > 0, { timeoutMs: 10_000, description: `the audit event of ${what}` });
  return since();
}

/** Knocks the replicas down as a person would, and waits for the leader to set them back. */
async function knockDownAndWaitForRestore(description: string): Promise<void> {
  await setReplicas(deployed, 1);
  await waitFor(async () => (await replicasOf(deployed)) === PARTITIONS, { timeoutMs: 30_000, description });
}

describe('two lag-monitor replicas with leader election', () => {
  it('one actuates; after kill -9 of it the other takes over within the lease duration plus one interval; a stalled leader does not act when it wakes', async () => {
    const [a, b] = await Promise.all([createMonitorPod(deployed, 'lag-monitor-a'), createMonitorPod(deployed, 'lag-monitor-b')]);
    if (a === undefined || b === undefined) throw new Error('pods not created');
    const pair = await Promise.all([startMonitorProcess(a), startMonitorProcess(b)]);
    try {
      await waitFor(async () => (await replicasOf(deployed)) === PARTITIONS, { timeoutMs: 60_000, description: 'the first scale-up' });

      // Knock the replicas down, round after round, until the replica that does not lead has
      // seen it (it reads the scale every interval, as the leader does, and decides to scale up
      // too). Each round is restored by one replica, never by both.
      let followerSawIt = false;
      for (let round = 1; round <= 8 && !followerSawIt; round += 1) {
        const startedAtMs = Date.now();
        await knockDownAndWaitForRestore(`restore ${round}`);
        const writers = new Set((await writesSince(startedAtMs, `restore ${round}`)).map((w) => w.pod));
        expect(writers.size, `round ${round}: replicas that patched`).toBe(1);
        const other = pair.find((p) => !writers.has(p.pod)) as MonitorProcess;
        followerSawIt = (await decisionsOf(other)).some((d) => d.atMs > startedAtMs && d.current === 1 && d.desired === PARTITIONS);
      }
      expect(followerSawIt, 'the replica that does not lead never read the knocked-down scale').toBe(true);
      expect((await monitorWrites()).every((w) => w.replicas === PARTITIONS && w.code === 200)).toBe(true);

      // Both export; the Lease holder alone says it leads.
      const leader = await waitFor(
        async () => {
          const holder = await leaseHolder();
          const gauges = await Promise.all(pair.map(leaderGauge));
          return gauges.join() === pair.map((p) => (p.pod === holder ? 1 : 0)).join() ? pair.find((p) => p.pod === holder) : undefined;
        },
        { timeoutMs: 10_000, description: 'lag_monitor_leader 1 on the Lease holder and 0 on the other' },
      );
      const follower = pair.find((p) => p !== leader) as MonitorProcess;

      // kill -9: no release of the Lease; the follower must wait for it to run out.
      leader.child.kill('SIGKILL');
      const killedAtMs = Date.now();
      await leader.exited;
      await setReplicas(deployed, 1);
      await waitFor(async () => (await replicasOf(deployed)) === PARTITIONS, { timeoutMs: 30_000, description: 'the follower restoring the replicas' });
      const [takeover] = await writesSince(killedAtMs, 'the takeover');
      expect(takeover?.pod).toBe(follower.pod);
      const takeoverMs = (takeover?.atMs ?? Infinity) - killedAtMs;
      console.log(`takeover: the follower patched ${takeoverMs} ms after kill -9 of the leader (bound: ${LEASE_DURATION_MS + INTERVAL_MS} ms)`);
      expect(takeoverMs, await logsOf(pair)).toBeLessThanOrEqual(LEASE_DURATION_MS + INTERVAL_MS);
      expect(await leaderGauge(follower)).toBe(1);

      // The killed pod's replacement (a new pod, as its Deployment would make) starts as a
      // follower; then the leader stalls (SIGSTOP) past its renew deadline, the replacement takes
      // over, and the stalled one wakes to a lost Lease.
      const replacement = await startMonitorProcess(await createMonitorPod(deployed, 'lag-monitor-c'));
      await waitFor(async () => (await leaderGauge(replacement)) === 0, { timeoutMs: 10_000, description: 'the replacement following' });
      follower.child.kill('SIGSTOP');
      const stoppedAtMs = Date.now();
      await setReplicas(deployed, 1);
      await waitFor(async () => (await replicasOf(deployed)) === PARTITIONS, { timeoutMs: 30_000, description: 'the replacement restoring the replicas' });
      expect((await writesSince(stoppedAtMs, "the replacement's restore"))[0]?.pod).toBe(replacement.pod);
      // Give the stalled one a reason to act the moment it wakes.
      await setReplicas(deployed, 1);
      const wokenAtMs = Date.now();
      follower.child.kill('SIGCONT');
      await waitFor(async () => (await replicasOf(deployed)) === PARTITIONS, { timeoutMs: 30_000, description: 'the leader restoring the replicas' });
      await waitFor(async () => (await leaderGauge(follower)) === 0, { timeoutMs: 10_000, description: 'the woken replica not leading' });
      const afterWake = await writesSince(wokenAtMs, 'the restore after the wake');
      expect(afterWake.map((w) => w.pod)).toEqual([replacement.pod]);

      // Over the whole run: two pods never patched within one interval of each other.
      const writes = await monitorWrites();
      for (let i = 1; i < writes.length; i += 1) {
        const [previous, next] = [writes[i - 1] as ScaleWrite, writes[i] as ScaleWrite];
        if (previous.pod !== next.pod) expect(next.atMs - previous.atMs, `${previous.pod} then ${next.pod}`).toBeGreaterThan(INTERVAL_MS);
      }
      expect(writes.filter((w) => w.pod === leader.pod).every((w) => w.atMs < killedAtMs)).toBe(true);
    } catch (err) {
      console.error(await logsOf(processes));
      throw err;
    }
  });
});
