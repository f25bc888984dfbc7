import {
  AppsV1Api,
  Observable,
  PatchStrategy,
  setHeaderOptions,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
  type V1Scale,
} from '@kubernetes/client-node';
import { AppError, ConfigError } from '@lagscale/kafka-core/errors';
import type { Actuator } from '../model/actuator.js';
import { loadKubeConfig } from './kube-config.js';
import { validateKubernetesActuatorOptions, type KubernetesActuatorOptions } from './kubernetes-settings.js';
import { fromKubernetesError, timeoutError, type ScaleTarget, type ScaleVerb } from './kubernetes-errors.js';
import { assertReplicaCount } from './replica-count.js';

/** Per-call options that put the call's abort signal on its request (the client has no other hook). */
export function withSignal(signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  // append: after the configuration's own middleware, as setHeaderOptions does.
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/**
 * Scales a Deployment through its `scale` subresource (autoscaling/v1 Scale): the one object
 * an HPA or `kubectl scale` writes, so the Role needs nothing on the Deployment itself.
 * `kubeConfig` replaces the auth options (tests point it at a local server).
 */
export function createKubernetesActuator(options: KubernetesActuatorOptions, kubeConfig?: KubeConfig): Actuator {
  validateKubernetesActuatorOptions(options);
  const kc = kubeConfig ?? loadKubeConfig(options);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new ConfigError(['kubeconfig has no current cluster']);
  const api = kc.makeApiClient(AppsV1Api);
  const { namespace, deployment: name } = options;
  const target: ScaleTarget = { namespace, deployment: name, server: cluster.server, requestTimeoutMs: options.requestTimeoutMs };
  // Aborts every call in flight when the actuator stops, so stop() never waits on the API server.
  const stopping = new AbortController();

  async function call<T>(verb: ScaleVerb, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (stopping.signal.aborted) throw new AppError('SHUTTING_DOWN', `kubernetes actuator is stopped: ${verb} deployments/scale ${namespace}/${name} not sent`);
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(options.requestTimeoutMs)]);
    // The signal aborts the HTTP exchange; racing it also bounds what runs before the request
    // is sent (credential plugins, token files).
    const abandoned = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    try {
      return await Promise.race([send(signal), abandoned]);
    } catch (err) {
      if (stopping.signal.aborted) throw new AppError('SHUTTING_DOWN', `kubernetes actuator stopped during ${verb} deployments/scale ${namespace}/${name}`, { cause: err });
      if (signal.aborted) throw timeoutError(verb, target, err);
      throw fromKubernetesError(err, verb, target);
    }
  }

  return {
    kind: 'kubernetes',
    async current() {
      const scale: V1Scale = await call('get', (signal) =>
        api.readNamespacedDeploymentScale({ name, namespace }, withSignal(signal)),
      );
      // spec, not status: spec is the count last asked for (by us, an HPA or kubectl), which the
      // policy compares its decision with; status counts pods mid-rollout (surge, terminating)
      // and trails spec, so deciding on it would re-send the same patch or fight a rollout.
      // A Scale of 0 omits spec.replicas (omitempty), hence the default.
      return scale.spec?.replicas ?? 0;
    },
    async scale(replicas) {
      assertReplicaCount(replicas, 'kubernetes');
      // A JSON merge patch of one field: no resourceVersion, so it never conflicts with other
      // writers, and it touches nothing but spec.replicas. The client's default for PATCH is
      // json-patch; the header middleware overrides it.
      const body = { spec: { replicas } };
      await call('patch', (signal) =>
        api.patchNamespacedDeploymentScale({ name, namespace, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch, withSignal(signal))),
      );
    },
    stop() {
      stopping.abort();
      return Promise.resolve();
    },
  };
}
