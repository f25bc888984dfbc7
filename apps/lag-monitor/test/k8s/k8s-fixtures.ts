// lag-monitor on the real test API server: the dev overlay deployed into a namespace of the
// test's own, lag-monitor's service-account tokens, the consumer Deployment's scale, and the
// scale writes the audit log recorded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerForTests, type ApiServer } from '../../../../tools/k8s/api-server.js';
import {
  applyObjects,
  createTestNamespace,
  expectOk,
  kubeRest,
  podOf,
  readAuditEvents,
  requestServiceAccountToken,
  writeTokenKubeconfig,
  type AuditEvent,
  type KubeObject,
  type KubeRest,
} from '../../../../tools/k8s/kube-client.js';
import { findObject, renderVariant } from '../../../../tools/k8s/render.js';

export const CONSUMER_DEPLOYMENT = 'consumer-worker';
export const SERVICE_ACCOUNT = 'lag-monitor';
export const LEASE = 'lag-monitor';

export interface DeployedDev {
  server: ApiServer;
  admin: KubeRest;
  namespace: string;
  objects: KubeObject[];
  /** A temp dir for kubeconfigs and logs; removed by cleanup(). */
  dir: string;
  cleanup(): Promise<void>;
}

/** The dev overlay, rendered into a fresh namespace and applied, as a user deploys it. */
export async function deployDev(prefix: string): Promise<DeployedDev> {
  const server = await apiServerForTests();
  const admin = kubeRest(server, server.adminToken);
  const namespace = await createTestNamespace(admin, prefix, { 'pod-security.kubernetes.io/enforce': 'restricted' });
  const objects = await renderVariant({ from: 'dev', components: [] }, namespace);
  const { rejected } = await applyObjects(admin, objects);
  if (rejected.length > 0) throw new Error(`the dev overlay was rejected: ${JSON.stringify(rejected)}`);
  const dir = await mkdtemp(join(tmpdir(), `lagscale-${prefix}-`));
  return { server, admin, namespace, objects, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const scalePath = (namespace: string, deployment: string) => `/apis/apps/v1/namespaces/${namespace}/deployments/${deployment}/scale`;

/** spec.replicas of a Deployment's scale subresource, read as the admin. */
export async function replicasOf(deployed: DeployedDev, deployment = CONSUMER_DEPLOYMENT): Promise<number> {
  const scale = await expectOk<{ spec?: { replicas?: number } }>(deployed.admin, 'GET', scalePath(deployed.namespace, deployment));
  return scale.spec?.replicas ?? 0;
}

/** Sets the replicas as the admin (a person running kubectl scale). */
export async function setReplicas(deployed: DeployedDev, replicas: number, deployment = CONSUMER_DEPLOYMENT): Promise<void> {
  await expectOk(deployed.admin, 'PATCH', scalePath(deployed.namespace, deployment), { body: { spec: { replicas } }, contentType: 'application/merge-patch+json' });
}

/**
 * A pod of the lag-monitor Deployment as the API server would hold it, so that a token can be
 * bound to it (no kubelet runs it). Its spec is the rendered pod template: it must pass the
 * namespace's restricted Pod Security admission like a real replica would.
 */
export async function createMonitorPod(deployed: DeployedDev, name: string): Promise<{ name: string; uid: string }> {
  const deployment = findObject<KubeObject & { spec: { template: { metadata: object; spec: object } } }>(deployed.objects, 'Deployment', 'lag-monitor');
  const pod = await expectOk<KubeObject>(deployed.admin, 'POST', `/api/v1/namespaces/${deployed.namespace}/pods`, {
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { ...deployment.spec.template.metadata, name }, spec: deployment.spec.template.spec },
  });
  return { name, uid: pod.metadata?.uid ?? '' };
}

/** A kubeconfig file holding a lag-monitor service-account token (bound to `pod` if given). */
export async function monitorKubeconfig(deployed: DeployedDev, options: { pod?: { name: string; uid: string } } = {}): Promise<{ path: string; token: string }> {
  const token = await requestServiceAccountToken(deployed.admin, deployed.namespace, SERVICE_ACCOUNT, options);
  const path = join(deployed.dir, `kubeconfig-${options.pod?.name ?? 'unbound'}`);
  await writeTokenKubeconfig(path, deployed.server, token, `system:serviceaccount:${deployed.namespace}:${SERVICE_ACCOUNT}`);
  return { path, token };
}

/** One write of the consumer Deployment's scale, as the audit log recorded it. */
export interface ScaleWrite {
  atMs: number;
  username: string;
  /** The pod of the token that wrote it, when the token was bound to one. */
  pod: string | undefined;
  replicas: number | undefined;
  code: number | undefined;
}

export function isScaleWrite(event: AuditEvent, namespace: string, deployment = CONSUMER_DEPLOYMENT): boolean {
  const ref = event.objectRef;
  return event.verb === 'patch' && ref?.resource === 'deployments' && ref.subresource === 'scale' && ref.namespace === namespace && ref.name === deployment;
}

/** Every PATCH of the consumer Deployment's scale in the namespace, oldest first. */
export async function scaleWrites(deployed: DeployedDev): Promise<ScaleWrite[]> {
  return (await readAuditEvents(deployed.server))
    .filter((event) => isScaleWrite(event, deployed.namespace))
    .map((event) => ({
      atMs: Date.parse(event.requestReceivedTimestamp),
      username: event.user.username,
      pod: podOf(event),
      replicas: (event.requestObject as { spec?: { replicas?: number } } | undefined)?.spec?.replicas,
      code: event.responseStatus?.code,
    }))
    .sort((a, b) => a.atMs - b.atMs);
}

export const serviceAccountUser = (namespace: string) => `system:serviceaccount:${namespace}:${SERVICE_ACCOUNT}`;
