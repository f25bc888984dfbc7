import { ApiException, CoordinationV1Api, FetchError, PatchStrategy, setHeaderOptions, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { withSignal } from '../actuators/kubernetes-actuator.js';
import { statusMessage } from '../actuators/kubernetes-errors.js';
import type { LeaseApi, LeaseClaim, LeaseRecord, LeaseWriteResult } from './lease.js';

export interface KubernetesLeaseApiOptions {
  namespace: string;
  name: string;
  /** Bound on each call, connection included. */
  requestTimeoutMs: number;
}

/** What the Role must grant, quoted by a 403 (deploy/k8s/base/lag-monitor/rbac.yaml grants it). */
export const REQUIRED_LEASE_RBAC = 'get and patch on leases in the "coordination.k8s.io" API group';

function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTimeMs: spec.acquireTime === undefined ? undefined : new Date(spec.acquireTime).getTime(),
    renewTimeMs: spec.renewTime === undefined ? undefined : new Date(spec.renewTime).getTime(),
    leaseTransitions: spec.leaseTransitions ?? 0,
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  };
}

function specOf(claim: LeaseClaim): NonNullable<V1Lease['spec']> {
  return {
    holderIdentity: claim.holderIdentity,
    leaseDurationSeconds: claim.leaseDurationSeconds,
    // MicroTime fields: the API server wants six fractional digits, which V1MicroTime writes.
    acquireTime: new V1MicroTime(claim.acquireTimeMs),
    renewTime: new V1MicroTime(claim.renewTimeMs),
    leaseTransitions: claim.leaseTransitions,
  };
}

/**
 * The one named Lease over @kubernetes/client-node. Writes are JSON merge patches that carry the
 * resourceVersion read last: the API server applies one only if nobody wrote in between (409
 * otherwise), and the Lease's labels and annotations stay as deployed. A Lease that does not
 * exist is created, which the shipped Role does not allow: the manifests create it instead, so
 * the Role can name it (RBAC cannot limit `create` to a name).
 */
export function createKubernetesLeaseApi(kubeConfig: KubeConfig, options: KubernetesLeaseApiOptions): LeaseApi {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const { namespace, name, requestTimeoutMs } = options;
  const target = `${namespace}/${name}`;
  const server = kubeConfig.getCurrentCluster()?.server ?? 'the kubernetes API';

  async function bounded<T>(send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(requestTimeoutMs);
    const abandoned = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(new Error(`no answer from ${server} within ${requestTimeoutMs} ms`)), { once: true });
    });
    return Promise.race([send(signal), abandoned]);
  }

  function describe(err: unknown, verb: string): string {
    if (err instanceof ApiException) {
      const said = statusMessage(err.body);
      if (err.code === 403) {
        return `${verb} lease ${target} forbidden (403${said === undefined ? '' : `: ${said}`}): the service account needs ${REQUIRED_LEASE_RBAC} (resourceNames: ${name}), and the Lease must exist (see deploy/k8s/base/lag-monitor)`;
      }
      if (err.code === 401) return `${verb} lease ${target}: ${server} rejected the credentials (401)`;
      return `${verb} lease ${target}: ${server} answered ${err.code}${said === undefined ? '' : `: ${said}`}`;
    }
    if (err instanceof FetchError) return `${verb} lease ${target}: cannot reach ${server} (${err.message})`;
    return `${verb} lease ${target}: ${err instanceof Error ? err.message : String(err)}`;
  }

  async function write(verb: 'create' | 'patch', send: (signal: AbortSignal) => Promise<V1Lease>): Promise<LeaseWriteResult> {
    try {
      return { kind: 'written', record: toRecord(await bounded(send)) };
    } catch (err) {
      if (err instanceof ApiException && err.code === 409) return { kind: 'conflict', message: describe(err, verb) };
      return { kind: 'failed', message: describe(err, verb) };
    }
  }

  return {
    target,
    async read() {
      try {
        return { kind: 'found', record: toRecord(await bounded((signal) => api.readNamespacedLease({ name, namespace }, withSignal(signal)))) };
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return { kind: 'missing' };
        return { kind: 'failed', message: describe(err, 'get') };
      }
    },
    create(claim) {
      const body: V1Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: specOf(claim) };
      return write('create', (signal) => api.createNamespacedLease({ namespace, body }, withSignal(signal)));
    },
    update(claim, resourceVersion) {
      const body = { metadata: { resourceVersion }, spec: specOf(claim) };
      return write('patch', (signal) =>
        api.patchNamespacedLease({ name, namespace, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch, withSignal(signal))),
      );
    },
  };
}
