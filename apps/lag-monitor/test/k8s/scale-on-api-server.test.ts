// The kubernetes actuator end to end on a real kube-apiserver, authenticated as lag-monitor's
// service account with a TokenRequest token and authorised by the RBAC of deploy/k8s: a real
// lagging group on the embedded broker scales the consumer Deployment up to the partition count
// and back down after stabilisation. No controllers run, so the Deployment's scale subresource
// is what changes; the audit log records every write.
import { AppError } from '@lagscale/kafka-core';
import { commitAsGroup, TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyObjects, kubeRest, readAuditEvents } from '../../../../tools/k8s/kube-client.js';
import { createKubernetesActuator, loadKubeConfig } from '../../src/actuators/index.js';
import { startMonitor, type TestMonitor } from '../monitor-helpers.js';
import { CONSUMER_DEPLOYMENT, deployDev, LEASE, monitorKubeconfig, replicasOf, scaleWrites, serviceAccountUser, type DeployedDev } from './k8s-fixtures.js';

const PARTITIONS = 4;
const RECORDS_PER_PARTITION = 50;
const STABILIZATION_MS = 3_000;
const INTERVAL_MS = 250;

let deployed: DeployedDev;
let kubeconfig: { path: string; token: string };
const t = new TestKafka();

beforeAll(async () => {
  deployed = await deployDev('scale');
  kubeconfig = await monitorKubeconfig(deployed);
});

afterAll(async () => {
  await t.cleanup();
  await deployed?.cleanup();
});

/** A topic of PARTITIONS partitions holding RECORDS_PER_PARTITION records each. */
async function laggingTopic(): Promise<string> {
  const topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'k8s-scale' });
  const producer = await t.producer();
  await producer.send({
    topic,
    messages: Array.from({ length: PARTITIONS * RECORDS_PER_PARTITION }, (_, i) => ({ partition: i % PARTITIONS, key: `k${i}`, value: `v${i}` })),
  });
  return topic;
}

function monitorEnv(group: string): Record<string, string> {
  return {
    LAG_MONITOR_INTERVAL_MS: String(INTERVAL_MS),
    LAG_MONITOR_SCALE_GROUP: group,
    LAG_MONITOR_SCALE_MODE: 'lag',
    LAG_MONITOR_LAG_PER_REPLICA: '10',
    LAG_MONITOR_MAX_REPLICAS: '10',
    LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: String(STABILIZATION_MS),
    LAG_MONITOR_ACTUATOR: 'kubernetes',
    LAG_MONITOR_K8S_NAMESPACE: deployed.namespace,
    LAG_MONITOR_K8S_DEPLOYMENT: CONSUMER_DEPLOYMENT,
    LAG_MONITOR_K8S_AUTH: 'kubeconfig',
    LAG_MONITOR_KUBECONFIG: kubeconfig.path,
    // With the Lease of the overlay, as deployed: one replica elects itself.
    LAG_MONITOR_LEADER_ELECTION: 'true',
    LAG_MONITOR_LEADER_IDENTITY: 'lag-monitor-test',
    LAG_MONITOR_LEASE_DURATION_MS: '4s',
    LAG_MONITOR_LEASE_RENEW_DEADLINE_MS: '3s',
    LAG_MONITOR_LEASE_RETRY_PERIOD_MS: '500',
  };
}

describe('lag-monitor scaling a Deployment on a real API server', () => {
  it('scales up to the partition count on a lagging group and back to one after the stabilisation window, as its service account', async () => {
    const topic = await laggingTopic();
    const group = t.groupId('k8s-workers');
    await commitAsGroup(t, group, { [topic]: Array<number>(PARTITIONS).fill(0) });
    expect(await replicasOf(deployed)).toBe(1);

    let monitor: TestMonitor | undefined;
    try {
      monitor = await startMonitor(monitorEnv(group));
      // 200 records at 10 per replica ask for 20: the partition count caps it at 4.
      await waitFor(async () => (await replicasOf(deployed)) === PARTITIONS, { timeoutMs: 30_000, description: `${PARTITIONS} replicas` });
      const up = await waitFor(() => monitor?.cycles.find((c) => c.scaling?.decision.action === 'scale-up'), { timeoutMs: 10_000, description: 'the scale-up cycle' });
      expect(up?.scaling?.decision).toMatchObject({ desired: PARTITIONS, reason: 'partition-cap' });
      expect(monitor.service.status().leader).toMatchObject({ leading: true, holder: 'lag-monitor-test', lease: `${deployed.namespace}/${LEASE}` });

      // A CD pipeline re-applying the overlay leaves the replicas alone: the manifest has none.
      const { rejected } = await applyObjects(deployed.admin, deployed.objects);
      expect(rejected).toEqual([]);
      expect(await replicasOf(deployed)).toBe(PARTITIONS);

      // The backlog is gone: down to the minimum, but not before the window has passed.
      await commitAsGroup(t, group, { [topic]: Array<number>(PARTITIONS).fill(RECORDS_PER_PARTITION) });
      await waitFor(async () => (await replicasOf(deployed)) === 1, { timeoutMs: 30_000, description: 'back to 1 replica' });
      // The cycle is reported once its actuation has returned, a moment after the API server has the scale.
      const down = await waitFor(() => monitor?.cycles.find((c) => c.scaling?.decision.action === 'scale-down'), { timeoutMs: 10_000, description: 'the scale-down cycle' });
      expect(down?.scaling?.decision).toMatchObject({ current: PARTITIONS, desired: 1, reason: 'min-replicas' });

      // The API server logs a request's ResponseComplete audit event after it has answered.
      const writes = await waitFor(async () => {
        const all = await scaleWrites(deployed);
        return all.length >= 2 ? all : undefined;
      }, { timeoutMs: 10_000, description: 'the audit events of both scale writes' });
      expect(writes.map((w) => ({ username: w.username, replicas: w.replicas, code: w.code }))).toEqual([
        { username: serviceAccountUser(deployed.namespace), replicas: PARTITIONS, code: 200 },
        { username: serviceAccountUser(deployed.namespace), replicas: 1, code: 200 },
      ]);
      // Down only once the window has passed since the last decision that asked for more
      // (holds during the commit's rebalance record nothing), and patched after deciding.
      const downAtMs = down?.scaling?.decision.atMs ?? 0;
      const lastHigh = monitor.cycles
        .map((c) => c.scaling?.decision)
        .filter((d) => d !== undefined && d.atMs < downAtMs && d.recommended > 1 && d.reason !== 'rebalancing' && d.reason !== 'collection-failed')
        .at(-1);
      expect(downAtMs - (lastHigh?.atMs ?? Infinity)).toBeGreaterThanOrEqual(STABILIZATION_MS);
      expect(writes[1]?.atMs ?? 0).toBeGreaterThanOrEqual(downAtMs);
    } finally {
      await monitor?.service.stop();
    }
    // Stopping hands the Lease back: no holder, so a successor takes it at its next look.
    const lease = await deployed.admin.request('GET', `/apis/coordination.k8s.io/v1/namespaces/${deployed.namespace}/leases/${LEASE}`);
    expect((lease.body as { spec?: { holderIdentity?: string } }).spec?.holderIdentity ?? '').toBe('');
  });

  it("refuses the service account's token (403) for the Deployment itself, another Deployment's scale, pods, and other Leases", async () => {
    const sa = kubeRest(deployed.server, kubeconfig.token);
    const ns = deployed.namespace;
    const allowed = [
      ['GET', `/apis/apps/v1/namespaces/${ns}/deployments/${CONSUMER_DEPLOYMENT}/scale`],
      ['GET', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${LEASE}`],
    ] as const;
    for (const [method, path] of allowed) expect((await sa.request(method, path)).status, `${method} ${path}`).toBe(200);

    const merge = { contentType: 'application/merge-patch+json' };
    const refused: Array<[string, string, Parameters<typeof sa.request>[2]?]> = [
      ['GET', `/apis/apps/v1/namespaces/${ns}/deployments/${CONSUMER_DEPLOYMENT}`],
      ['PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${CONSUMER_DEPLOYMENT}`, { ...merge, body: { spec: { paused: true } } }],
      ['PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/ingest/scale`, { ...merge, body: { spec: { replicas: 5 } } }],
      ['GET', `/api/v1/namespaces/${ns}/pods`],
      ['GET', `/apis/apps/v1/namespaces/default/deployments/${CONSUMER_DEPLOYMENT}/scale`],
      ['POST', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'other' }, spec: {} } }],
      ['PATCH', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/other`, { ...merge, body: { spec: { holderIdentity: 'me' } } }],
    ];
    for (const [method, path, options] of refused) expect((await sa.request(method, path, options)).status, `${method} ${path}`).toBe(403);

    // The server recorded each refusal under the service account's name.
    // (its ResponseComplete events are logged just after each answer)
    const refusals = async () => (await readAuditEvents(deployed.server)).filter((e) => e.user.username === serviceAccountUser(ns) && e.responseStatus?.code === 403);
    await waitFor(async () => (await refusals()).length >= refused.length, { timeoutMs: 10_000, description: 'the audit events of every refusal' });
    expect((await refusals()).length).toBeGreaterThanOrEqual(refused.length);

    // And the actuator says what to grant, in the error a user sees.
    const other = createKubernetesActuator(
      { namespace: ns, deployment: 'ingest', auth: 'kubeconfig', kubeconfigPath: kubeconfig.path, requestTimeoutMs: 10_000 },
      loadKubeConfig({ auth: 'kubeconfig', kubeconfigPath: kubeconfig.path }),
    );
    const failed = other.scale(5);
    await expect(failed).rejects.toBeInstanceOf(AppError);
    await expect(failed).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('get and patch on deployments/scale') });
    expect(await replicasOf(deployed, 'ingest')).toBe(1);
  });
});
