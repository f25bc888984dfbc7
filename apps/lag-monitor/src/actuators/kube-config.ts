import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '@lagscale/kafka-core/errors';

import type { KubernetesAuthMode } from './kubernetes-settings.js';

/** Variables the Kubernetes client reads itself; named once so messages and checks agree. */
export const KUBERNETES_ENV = {
  serviceHost: 'KUBERNETES_SERVICE_HOST',
  kubeconfig: 'KUBECONFIG',
} as const;

/** Where the kubelet mounts a pod's service account token (the client reads it per request). */
export const SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConfigSource {
  auth: KubernetesAuthMode;
  kubeconfigPath?: string;
  context?: string;
}

/**
 * The mode `auto` stands for: in-cluster when the kubelet set KUBERNETES_SERVICE_HOST, else a
 * kubeconfig. A path given explicitly always means kubeconfig.
 */
export function resolveAuthMode(source: KubeConfigSource, env: NodeJS.ProcessEnv): Exclude<KubernetesAuthMode, 'auto'> {
  if (source.auth !== 'auto') return source.auth;
  if (source.kubeconfigPath !== undefined) return 'kubeconfig';
  return env[KUBERNETES_ENV.serviceHost] ? 'in-cluster' : 'kubeconfig';
}

/**
 * Loads credentials for one auth mode and fails fast, naming what is missing. The client's own
 * fallbacks are not used: without a kubeconfig it would quietly talk to http://localhost:8080,
 * and in-cluster loading outside a pod yields a server of "https://undefined:undefined".
 */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const mode = resolveAuthMode(source, process.env);
  const kc = new KubeConfig();
  if (mode === 'in-cluster') {
    const problems: string[] = [];
    if (!process.env[KUBERNETES_ENV.serviceHost]) problems.push(`in-cluster auth needs ${KUBERNETES_ENV.serviceHost}, which is set only inside a pod`);
    if (!existsSync(SERVICE_ACCOUNT_TOKEN_PATH)) {
      problems.push(`in-cluster auth needs a service account token at ${SERVICE_ACCOUNT_TOKEN_PATH} (is automountServiceAccountToken off?)`);
    }
    if (source.context !== undefined) problems.push('a kubeconfig context does not apply to in-cluster auth');
    if (problems.length > 0) throw new ConfigError(problems);
    kc.loadFromCluster();
    return kc;
  }
  try {
    if (source.kubeconfigPath !== undefined) {
      if (!existsSync(source.kubeconfigPath)) throw new ConfigError([`kubeconfig ${source.kubeconfigPath} does not exist`]);
      kc.loadFromFile(source.kubeconfigPath);
    } else {
      if (defaultKubeconfigPaths(process.env).every((path) => !existsSync(path))) {
        throw new ConfigError([
          `no kubeconfig found: ${KUBERNETES_ENV.kubeconfig} is unset and ~/.kube/config does not exist (give a kubeconfig path, or run in a pod with in-cluster auth)`,
        ]);
      }
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`cannot read the kubeconfig: ${err instanceof Error ? err.message : String(err)}`]);
  }
  if (source.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(source.context)) {
      throw new ConfigError([`kubeconfig has no context "${source.context}" (it has: ${names.join(', ') || 'none'})`]);
    }
    kc.setCurrentContext(source.context);
  }
  if (kc.getCurrentCluster() === null) throw new ConfigError(['kubeconfig has no current context with a cluster: give a context']);
  return kc;
}

/** The files `loadFromDefault` tries, in order: each entry of KUBECONFIG, else ~/.kube/config. */
function defaultKubeconfigPaths(env: NodeJS.ProcessEnv): string[] {
  const list = env[KUBERNETES_ENV.kubeconfig];
  if (list) return list.split(delimiter).filter((path) => path.length > 0);
  return [join(homedir(), '.kube', 'config')];
}
