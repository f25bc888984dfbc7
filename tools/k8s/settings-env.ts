// Writes the env files behind the base's ConfigMaps (deploy/k8s/base/settings/*.env) from the
// settings' own definitions: every setting of each app is listed, set where the cluster needs a
// value other than the default, commented out (with its default) where not, so the files are
// the reference of every knob and cannot drift from the code. A spec fails when they are stale:
//   node --conditions=lagscale-source --import tsx tools/k8s/settings-env.ts --write
import { describeEnv, kafkaEnv, type EnvSpecs } from '@lagscale/kafka-core';
import { workerEnv } from '@lagscale/consumer-worker';
import { monitorEnv } from '@lagscale/lag-monitor';
import { ingestEnv } from '@lagscale/producer-gen';

export interface SettingsFile {
  /** File name under deploy/k8s/base/settings/. */
  file: string;
  /** The ConfigMap kustomize generates from it. */
  configMap: string;
  title: string;
  specs: EnvSpecs;
  /** Values the cluster needs (containers listen on all addresses, in-cluster auth, ...). */
  values: Record<string, string>;
  /** Settings that come from elsewhere than this file, and from where. */
  elsewhere: Record<string, string>;
}

export const settingsFiles: SettingsFile[] = [
  {
    file: 'kafka.env',
    configMap: 'kafka-settings',
    title: 'Kafka connection, shared by ingest, consumer-worker and lag-monitor',
    specs: kafkaEnv,
    values: { KAFKA_BROKERS: 'kafka:9092' },
    elsewhere: {
      KAFKA_CLIENT_ID: 'the pod name (downward API), so the broker tells the pods apart',
      KAFKA_SASL_USERNAME: 'Secret kafka-credentials, key username (optional)',
      KAFKA_SASL_PASSWORD: 'Secret kafka-credentials, key password (optional)',
      KAFKA_SSL_CA_FILE: 'set to /etc/lagscale/kafka-tls/ca.crt, mounted from Secret kafka-tls (optional)',
      KAFKA_SSL_CERT_FILE: 'set to /etc/lagscale/kafka-tls/tls.crt, mounted from Secret kafka-tls (optional)',
      KAFKA_SSL_KEY_FILE: 'set to /etc/lagscale/kafka-tls/tls.key, mounted from Secret kafka-tls (optional)',
    },
  },
  {
    file: 'ingest.env',
    configMap: 'ingest-settings',
    title: 'Ingest (producer-gen serve)',
    specs: ingestEnv,
    values: { INGEST_HOST: '0.0.0.0', INGEST_PORT: '8080' },
    elsewhere: { INGEST_AUTH_TOKEN: 'Secret ingest-auth, key token (optional)' },
  },
  {
    file: 'consumer-worker.env',
    configMap: 'consumer-worker-settings',
    title: 'consumer-worker',
    specs: workerEnv,
    values: {
      CONSUMER_TOPIC: 'events',
      CONSUMER_GROUP_ID: 'lagscale-workers',
      CONSUMER_METRICS_HOST: '0.0.0.0',
      CONSUMER_METRICS_PORT: '9466',
      // terminationGracePeriodSeconds of the Deployment (45 s) must stay above it.
      CONSUMER_SHUTDOWN_TIMEOUT_MS: '30000',
    },
    elsewhere: {},
  },
  {
    file: 'lag-monitor.env',
    configMap: 'lag-monitor-settings',
    title: 'lag-monitor',
    specs: monitorEnv,
    values: {
      LAG_MONITOR_TOPICS: 'events',
      LAG_MONITOR_SCALE_GROUP: 'lagscale-workers',
      LAG_MONITOR_ACTUATOR: 'kubernetes',
      LAG_MONITOR_K8S_DEPLOYMENT: 'consumer-worker',
      LAG_MONITOR_K8S_AUTH: 'in-cluster',
      LAG_MONITOR_LEADER_ELECTION: 'true',
      LAG_MONITOR_LEASE_NAME: 'lag-monitor',
      LAG_MONITOR_METRICS_HOST: '0.0.0.0',
      LAG_MONITOR_METRICS_PORT: '9467',
    },
    elsewhere: {
      LAG_MONITOR_K8S_NAMESPACE: "the pod's namespace (downward API)",
      LAG_MONITOR_LEADER_IDENTITY: 'POD_NAME, the pod name (downward API)',
      LAG_MONITOR_KUBECONFIG: 'not used in a cluster (in-cluster auth)',
      LAG_MONITOR_LOCAL_LOG_DIR: 'not used in a cluster (local actuator only)',
      LAG_MONITOR_LOCAL_STOP_TIMEOUT_MS: 'not used in a cluster (local actuator only)',
    },
  },
];

/** The text of one env file, as kustomize's configMapGenerator reads it (KEY=value, # comments). */
export function settingsEnvText(settings: SettingsFile): string {
  const lines = [
    `# ${settings.title}: ConfigMap ${settings.configMap}.`,
    '# Generated from the settings\' definitions by tools/k8s/settings-env.ts; do not edit. Change a',
    '# value in an overlay: configMapGenerator with behavior: merge (see deploy/k8s/README.md).',
    '# A commented-out setting keeps the default shown.',
  ];
  for (const row of describeEnv(settings.specs)) {
    lines.push('', `# ${row.name}: ${row.description}`);
    const from = settings.elsewhere[row.name];
    const value = settings.values[row.name];
    if (from !== undefined) lines.push(`#   from: ${from}`);
    else if (value !== undefined) lines.push(`${row.name}=${value}`);
    else lines.push(`# ${row.name}=${row.default}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The settings a file sets (its uncommented lines), as the container sees them. */
export function activeSettings(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

export const settingsDir = new URL('../../deploy/k8s/base/settings/', import.meta.url);

if (process.argv[1]?.endsWith('settings-env.ts')) {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const write = process.argv[2] === '--write';
  if (write) mkdirSync(settingsDir, { recursive: true });
  for (const settings of settingsFiles) {
    const text = settingsEnvText(settings);
    if (write) writeFileSync(new URL(settings.file, settingsDir), text);
    else console.log(`==> ${settings.file} <==\n${text}`);
  }
}
