import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '@lagscale/kafka-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findFreePort } from '../../../tools/kafka/embedded-broker.js';
import { createKubernetesActuator, type KubernetesActuatorOptions } from '../src/actuators/index.js';
import { loadRbacManifest, startFakeScaleApi, type FakeScaleApi, type RbacManifest } from './fixtures/fake-scale-api.js';

const rbacPath = fileURLToPath(new URL('../../../deploy/k8s/base/lag-monitor/rbac.yaml', import.meta.url));
const token = 'lag-monitor-token';
const scalePath = (namespace: string, name: string) => `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/scale`;

let rbac: RbacManifest;
let namespace: string;
let deployment: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  rbac = loadRbacManifest(rbacPath);
  namespace = rbac.role.metadata.namespace ?? 'default';
  deployment = rbac.role.rules[0]?.resourceNames?.[0] ?? 'consumer-worker';
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function kubeConfigFor(server: string, bearer = token): KubeConfig {
  const kc = new KubeConfig();
  // The client refuses plain http unless TLS verification is off: there is no TLS to verify.
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'lag-monitor', token: bearer }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'lag-monitor' }],
    currentContext: 'fake',
  });
  return kc;
}

function options(overrides: Partial<KubernetesActuatorOptions> = {}): KubernetesActuatorOptions {
  return { namespace, deployment, auth: 'kubeconfig', requestTimeoutMs: 5_000, ...overrides };
}

async function fakeApi(deployments: Record<string, number>, withRbac: RbacManifest = rbac): Promise<FakeScaleApi> {
  const api = await startFakeScaleApi({ token, rbac: withRbac, deployments });
  cleanups.push(() => api.close());
  return api;
}

/** Accepts connections and never answers, like an API server behind a black-holed route. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('rbac.yaml', () => {
  it('grants the lag-monitor service account exactly get and patch on apps deployments/scale, and on its leader Lease', () => {
    expect(rbac.serviceAccount.metadata.name).toBe('lag-monitor');
    expect(rbac.role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['consumer-worker'], verbs: ['get', 'patch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['lag-monitor'], verbs: ['get', 'patch'] },
    ]);
    expect(rbac.roleBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: rbac.role.metadata.name });
    expect(rbac.roleBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'lag-monitor', namespace: rbac.serviceAccount.metadata.namespace }]);
    expect(new Set([rbac.serviceAccount, rbac.role, rbac.roleBinding].map((o) => o.metadata.namespace)).size).toBe(1);
  });
});

describe('kubernetes actuator against a scale API that enforces rbac.yaml', () => {
  it('reads spec.replicas of the scale subresource, with the bearer token', async () => {
    const api = await fakeApi({ [`${namespace}/${deployment}`]: 2 });
    // A rollout in progress: status trails spec. The actuator reports what is asked for.
    api.deployments.set(`${namespace}/${deployment}`, { specReplicas: 2, statusReplicas: 3 });
    const actuator = createKubernetesActuator(options(), kubeConfigFor(api.url));

    expect(actuator.kind).toBe('kubernetes');
    expect(await actuator.current()).toBe(2);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: scalePath(namespace, deployment) });
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('scales with a JSON merge patch of spec.replicas alone, and reads the count back', async () => {
    const api = await fakeApi({ [`${namespace}/${deployment}`]: 1 });
    const actuator = createKubernetesActuator(options(), kubeConfigFor(api.url));

    await actuator.scale(4);
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe(scalePath(namespace, deployment));
    expect(patch?.headers['content-type']).toBe('application/merge-patch+json');
    expect(patch?.body).toBe('{"spec":{"replicas":4}}');
    expect(patch?.headers.authorization).toBe(`Bearer ${token}`);
    expect(await actuator.current()).toBe(4);

    // At 0 the API omits spec.replicas; that still reads as 0.
    await actuator.scale(0);
    expect(api.requests.at(-1)?.body).toBe('{"spec":{"replicas":0}}');
    expect(await actuator.current()).toBe(0);
    expect(api.requests.every((r) => r.path === scalePath(namespace, deployment))).toBe(true);
  });

  it('says which Deployment is missing on 404, as a configuration error', async () => {
    const api = await fakeApi({});
    const actuator = createKubernetesActuator(options(), kubeConfigFor(api.url));

    for (const call of [() => actuator.current(), () => actuator.scale(2)]) {
      const failed = call();
      await expect(failed).rejects.toBeInstanceOf(AppError);
      await expect(failed).rejects.toMatchObject({ code: 'CONFIG_INVALID', retriable: false, message: expect.stringContaining(`deployment ${namespace}/${deployment} not found`) });
    }
  });

  it('is forbidden anything the Role does not grant: other Deployments, other namespaces', async () => {
    const api = await fakeApi({ [`${namespace}/producer-gen`]: 1, [`elsewhere/${deployment}`]: 1 });
    for (const target of [options({ deployment: 'producer-gen' }), options({ namespace: 'elsewhere' })]) {
      const actuator = createKubernetesActuator(target, kubeConfigFor(api.url));
      for (const call of [() => actuator.current(), () => actuator.scale(3)]) {
        const failed = call();
        await expect(failed).rejects.toBeInstanceOf(AppError);
        await expect(failed).rejects.toMatchObject({ code: 'AUTH_FAILED', retriable: false, message: expect.stringContaining('403 Forbidden') });
        await expect(failed).rejects.toMatchObject({ message: expect.stringContaining('get and patch on deployments/scale in the "apps" API group') });
        await expect(failed).rejects.toMatchObject({ message: expect.stringContaining(`${target.namespace}/${target.deployment}`) });
      }
    }
    expect(api.deployments.get(`${namespace}/producer-gen`)?.specReplicas).toBe(1);
  });

  it('needs each verb of the Role: without get current() is forbidden, without patch scale() is', async () => {
    const [rule] = rbac.role.rules;
    if (rule === undefined) throw new Error('rbac.yaml has no rule');
    const without = (verb: string): RbacManifest => ({ ...rbac, role: { ...rbac.role, rules: [{ ...rule, verbs: rule.verbs.filter((v) => v !== verb) }] } });

    const noGet = await fakeApi({ [`${namespace}/${deployment}`]: 1 }, without('get'));
    const getless = createKubernetesActuator(options(), kubeConfigFor(noGet.url));
    const getFailed = getless.current();
    await expect(getFailed).rejects.toBeInstanceOf(AppError);
    await expect(getFailed).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await getless.scale(2);

    const noPatch = await fakeApi({ [`${namespace}/${deployment}`]: 1 }, without('patch'));
    const patchless = createKubernetesActuator(options(), kubeConfigFor(noPatch.url));
    expect(await patchless.current()).toBe(1);
    const patchFailed = patchless.scale(2);
    await expect(patchFailed).rejects.toBeInstanceOf(AppError);
    await expect(patchFailed).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('reports rejected credentials (401) as AUTH_FAILED', async () => {
    const api = await fakeApi({ [`${namespace}/${deployment}`]: 1 });
    const actuator = createKubernetesActuator(options(), kubeConfigFor(api.url, 'stolen-token'));
    const failed = actuator.current();
    await expect(failed).rejects.toBeInstanceOf(AppError);
    await expect(failed).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('401') });
  });

  it('gives a retriable error when the API server is down, without waiting for the timeout', async () => {
    const server = `http://127.0.0.1:${await findFreePort()}`;
    const actuator = createKubernetesActuator(options({ requestTimeoutMs: 30_000 }), kubeConfigFor(server));
    for (const call of [() => actuator.current(), () => actuator.scale(1)]) {
      const failed = call();
      // Refused, not timed out: the error came before the 30 s bound.
      await expect(failed).rejects.toBeInstanceOf(AppError);
      await expect(failed).rejects.toMatchObject({ code: 'API_UNREACHABLE', retriable: true, message: expect.stringContaining(`cannot reach the kubernetes API at ${server}`) });
    }
  });

  it('bounds each request by requestTimeoutMs when the API server does not answer', async () => {
    const server = await silentServer();
    const actuator = createKubernetesActuator(options({ requestTimeoutMs: 300 }), kubeConfigFor(server));
    for (const call of [() => actuator.current(), () => actuator.scale(1)]) {
      const failed = call();
      await expect(failed).rejects.toBeInstanceOf(AppError);
      await expect(failed).rejects.toMatchObject({ code: 'TIMEOUT', retriable: true, message: expect.stringContaining('within 300 ms') });
    }
  });

  it('abandons calls in flight on stop() and refuses new ones', async () => {
    const server = await silentServer();
    const actuator = createKubernetesActuator(options({ requestTimeoutMs: 60_000 }), kubeConfigFor(server));
    const inFlight = actuator.current();
    // Handled from now on: it may settle while stop() runs.
    const inFlightChecked = expect(inFlight).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    await actuator.stop();
    await actuator.stop();
    await inFlightChecked;
    await expect(inFlight).rejects.toBeInstanceOf(AppError);
    const refused = actuator.scale(1);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('authenticates from a kubeconfig file, with the context it is told to use', async () => {
    const api = await fakeApi({ [`${namespace}/${deployment}`]: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'lag-monitor-kubeconfig-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const kubeconfigPath = join(dir, 'config');
    writeFileSync(
      kubeconfigPath,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'fake', cluster: { server: api.url, 'insecure-skip-tls-verify': true } },
          { name: 'elsewhere', cluster: { server: `http://127.0.0.1:${await findFreePort()}`, 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'lag-monitor', user: { token } }],
        contexts: [
          { name: 'fake', context: { cluster: 'fake', user: 'lag-monitor' } },
          { name: 'elsewhere', context: { cluster: 'elsewhere', user: 'lag-monitor' } },
        ],
        'current-context': 'elsewhere',
      }),
    );

    const actuator = createKubernetesActuator(options({ auth: 'kubeconfig', kubeconfigPath, context: 'fake' }));
    expect(await actuator.current()).toBe(3);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);

    const auto = createKubernetesActuator(options({ auth: 'auto', kubeconfigPath, context: 'fake' }));
    expect(await auto.current()).toBe(3);

    expect(() => createKubernetesActuator(options({ kubeconfigPath, context: 'missing' }))).toThrow(/no context "missing".*fake, elsewhere/);
  });
});
