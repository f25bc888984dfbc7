import { ConfigError } from '@lagscale/kafka-core/errors';

// What configuration needs of the Kubernetes actuator, without @kubernetes/client-node: the
// client is ~70 MB of RSS (26 MB of heap), loaded only when a monitor uses the kubernetes
// actuator or leader election (monitor-service.ts imports it on demand).

export const KUBERNETES_AUTH_MODES = ['in-cluster', 'kubeconfig', 'auto'] as const;
export type KubernetesAuthMode = (typeof KUBERNETES_AUTH_MODES)[number];

export interface KubernetesActuatorOptions {
  namespace: string;
  /** The Deployment whose `scale` subresource is read and patched. */
  deployment: string;
  auth: KubernetesAuthMode;
  kubeconfigPath?: string;
  /** A kubeconfig context other than the current one. */
  context?: string;
  /** Bound on each API call, connection included. */
  requestTimeoutMs: number;
}

export const defaultKubernetesActuatorOptions = {
  namespace: 'default',
  auth: 'auto',
  requestTimeoutMs: 10_000,
} as const satisfies Partial<KubernetesActuatorOptions>;

// Namespaces are DNS-1123 labels; Deployment names are DNS-1123 subdomains.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validateKubernetesActuatorOptions(options: KubernetesActuatorOptions): void {
  const problems: string[] = [];
  if (options.namespace.length > 63 || !DNS_LABEL.test(options.namespace)) {
    problems.push(`kubernetes namespace must be a DNS-1123 label: lowercase letters, digits and '-', at most 63 (got "${options.namespace}")`);
  }
  if (options.deployment.length > 253 || !DNS_SUBDOMAIN.test(options.deployment)) {
    problems.push(`kubernetes deployment must be a DNS-1123 name: lowercase letters, digits, '-' and '.' (got "${options.deployment}")`);
  }
  if (!(KUBERNETES_AUTH_MODES as readonly string[]).includes(options.auth)) {
    problems.push(`kubernetes auth must be one of ${KUBERNETES_AUTH_MODES.join(', ')} (got "${String(options.auth)}")`);
  }
  if (!Number.isSafeInteger(options.requestTimeoutMs) || options.requestTimeoutMs <= 0) {
    problems.push(`kubernetes requestTimeoutMs must be a positive integer (got ${String(options.requestTimeoutMs)})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
