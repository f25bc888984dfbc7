import { hostname } from 'node:os';
import { envVar, optionalEnvVar, parsers, type EnvValues } from '@lagscale/kafka-core';
import { defaultLeaderElectionOptions, validateLeaderElectionOptions, type LeaderElectionOptions } from './election-options.js';

/** Set by the Deployment from the downward API (metadata.name): the pod's unique name. */
export const POD_NAME_ENV = 'POD_NAME';

export const defaultLeaseName = 'lag-monitor';

/** lag-monitor's leader election settings; part of its settings (monitorEnv) and README table. */
export const leaderElectionEnv = {
  leaderElection: envVar('LAG_MONITOR_LEADER_ELECTION', parsers.bool(), {
    description: 'Run several replicas: only the holder of a Kubernetes Lease actuates, all collect and export',
    default: false,
  }),
  leaseName: envVar('LAG_MONITOR_LEASE_NAME', parsers.string(), { description: 'Leader election: name of the coordination.k8s.io Lease', default: defaultLeaseName }),
  leaseNamespace: optionalEnvVar('LAG_MONITOR_LEASE_NAMESPACE', parsers.string(), { description: 'Leader election: namespace of the Lease (default: LAG_MONITOR_K8S_NAMESPACE)' }),
  leaderIdentity: optionalEnvVar('LAG_MONITOR_LEADER_IDENTITY', parsers.string(), {
    description: 'Leader election: this replica\'s name in the Lease, unique per replica (default: POD_NAME, else host name and pid)',
  }),
  leaseDurationMs: envVar('LAG_MONITOR_LEASE_DURATION_MS', parsers.durationMs(), {
    description: 'Leader election: how long a claim lasts unrenewed before another replica takes over; whole seconds',
    default: defaultLeaderElectionOptions.leaseDurationMs,
  }),
  leaseRenewDeadlineMs: envVar('LAG_MONITOR_LEASE_RENEW_DEADLINE_MS', parsers.durationMs(), {
    description: 'Leader election: a leader that could not renew for this long stops actuating; shorter than the lease duration',
    default: defaultLeaderElectionOptions.renewDeadlineMs,
  }),
  leaseRetryPeriodMs: envVar('LAG_MONITOR_LEASE_RETRY_PERIOD_MS', parsers.durationMs(), {
    description: 'Leader election: time between two looks at the Lease',
    default: defaultLeaderElectionOptions.retryPeriodMs,
  }),
};

export interface LeaderElectionSettings {
  lease: { namespace: string; name: string };
  options: LeaderElectionOptions;
}

/** Their names as settings: the election options name themselves in camelCase. */
const OPTION_ENV_NAMES: Record<string, string> = {
  identity: leaderElectionEnv.leaderIdentity.name,
  leaseDurationMs: leaderElectionEnv.leaseDurationMs.name,
  renewDeadlineMs: leaderElectionEnv.leaseRenewDeadlineMs.name,
  retryPeriodMs: leaderElectionEnv.leaseRetryPeriodMs.name,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Unique per replica: the pod name in a cluster; outside one, host name and pid. */
export function defaultLeaderIdentity(env: Record<string, string | undefined>): string {
  return env[POD_NAME_ENV]?.trim() || `${hostname()}-${process.pid}`;
}

/**
 * The election settings, or undefined when it is off. Problems go into `problems`, named by
 * variable, so the monitor reports them together with its other settings.
 */
export function leaderElectionSettings(
  values: Partial<EnvValues<typeof leaderElectionEnv>>,
  k8sNamespace: string | undefined,
  env: Record<string, string | undefined>,
  problems: string[],
): LeaderElectionSettings | undefined {
  if (values.leaderElection !== true) return undefined;
  const name = values.leaseName ?? defaultLeaseName;
  const namespace = values.leaseNamespace ?? k8sNamespace ?? 'default';
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    problems.push(`${leaderElectionEnv.leaseName.name} must be a DNS-1123 name: lowercase letters, digits, '-' and '.' (got "${name}")`);
  }
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    problems.push(`${leaderElectionEnv.leaseNamespace.name} must be a DNS-1123 label: lowercase letters, digits and '-', at most 63 (got "${namespace}")`);
  }
  const options: LeaderElectionOptions = {
    identity: values.leaderIdentity ?? defaultLeaderIdentity(env),
    leaseDurationMs: values.leaseDurationMs ?? defaultLeaderElectionOptions.leaseDurationMs,
    renewDeadlineMs: values.leaseRenewDeadlineMs ?? defaultLeaderElectionOptions.renewDeadlineMs,
    retryPeriodMs: values.leaseRetryPeriodMs ?? defaultLeaderElectionOptions.retryPeriodMs,
  };
  for (const problem of validateLeaderElectionOptions(options)) {
    problems.push(problem.replace(/\b[a-z][A-Za-z]+\b/g, (word) => OPTION_ENV_NAMES[word] ?? word));
  }
  return { lease: { namespace, name }, options };
}
