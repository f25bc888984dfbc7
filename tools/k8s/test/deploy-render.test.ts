// What every render of deploy/k8s must hold, for each overlay and component: the pod hardening,
// probes, resources and scrape annotations of every container; settings that each app accepts;
// RBAC that names exactly the Deployment and the Lease lag-monitor touches. The API server then
// accepts the same renders (deploy-apply.test.ts).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadKafkaConfig } from '@lagscale/kafka-core';
import { loadWorkerSettings } from '@lagscale/consumer-worker';
import { loadMonitorSettings } from '@lagscale/lag-monitor';
import { loadIngestConfig } from '@lagscale/producer-gen';
import { beforeAll, describe, expect, it } from 'vitest';
import { installK8sTools, kustomizeBuild } from '../api-server.js';
import { parseObjects, type KubeObject } from '../kube-client.js';
import { configMapData, deployK8sDir, findObject, renderVariant, type Variant } from '../render.js';

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  args?: string[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string; optional?: boolean } } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
}
interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        serviceAccountName?: string;
        automountServiceAccountToken?: boolean;
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
        topologySpreadConstraints?: Array<{ topologyKey: string; labelSelector?: { matchLabels?: Record<string, string> } }>;
        containers: Container[];
      };
    };
  };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

const NAMESPACE = 'render-check';

const variants: Array<Variant & { name: string }> = [
  { name: 'overlay dev', from: 'dev', components: [] },
  { name: 'overlay prod', from: 'prod', components: [] },
  { name: 'base + keda', from: 'base', components: ['keda'] },
  { name: 'base + keda + keda-kafka-auth', from: 'base', components: ['keda', 'keda-kafka-auth'] },
  { name: 'base + prometheus-operator', from: 'base', components: ['prometheus-operator'] },
  { name: 'base + network-policy', from: 'base', components: ['network-policy'] },
  { name: 'prod + every component', from: 'prod', components: ['keda', 'keda-kafka-auth', 'prometheus-operator', 'network-policy'] },
];

const deploymentsOf = (objects: readonly KubeObject[]) => objects.filter((o): o is Deployment => o.kind === 'Deployment');

/** The environment a container starts with: its ConfigMaps, then its own env (env wins). */
function containerEnv(objects: readonly KubeObject[], deployment: Deployment, container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const name = from.configMapRef?.name;
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === name) as { data?: Record<string, string> } | undefined;
    if (configMap === undefined) throw new Error(`${deployment.metadata?.name}: envFrom names ConfigMap ${name}, which the render lacks`);
    Object.assign(env, configMap.data);
  }
  for (const entry of container.env ?? []) {
    const field = entry.valueFrom?.fieldRef?.fieldPath;
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (field === 'metadata.name') env[entry.name] = `${deployment.metadata?.name ?? 'pod'}-7d9f8c6b5-x2x4q`;
    else if (field === 'metadata.namespace') env[entry.name] = deployment.metadata?.namespace ?? '';
    // Secret references are optional: without the Secret the variable stays unset.
  }
  return env;
}

const loaders: Record<string, (env: Record<string, string>) => unknown> = {
  ingest: (env) => loadIngestConfig(env),
  'consumer-worker': (env) => loadWorkerSettings(env),
  'lag-monitor': (env) => loadMonitorSettings(env),
};

beforeAll(async () => {
  await installK8sTools(['kustomize'], (line) => console.log(`[k8s] ${line}`));
});

describe.each(variants)('$name', (variant) => {
  let objects: KubeObject[];

  beforeAll(async () => {
    objects = await renderVariant(variant, NAMESPACE);
  });

  it('puts every namespaced object into the target namespace, with unique names per kind', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      if (object.kind === 'Namespace') expect(object.metadata?.name).toBe(NAMESPACE);
      else expect(object.metadata?.namespace, `${object.kind} ${object.metadata?.name}`).toBe(NAMESPACE);
    }
    const ids = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('deploys ingest (producer-gen serve), consumer-worker and lag-monitor from the lagscale images', () => {
    const images = Object.fromEntries(deploymentsOf(objects).map((d) => [d.metadata?.name, d.spec.template.spec.containers.map((c) => `${c.image} ${c.args?.join(' ') ?? ''}`.trim())]));
    const tag = variant.from === 'dev' ? 'dev' : '0.1.0';
    expect(images).toEqual({
      ingest: [`lagscale/producer-gen:${tag} serve`],
      'consumer-worker': [`lagscale/consumer-worker:${tag}`],
      'lag-monitor': [`lagscale/lag-monitor:${tag}`],
    });
  });

  it('runs every pod non-root, on a read-only root filesystem, without capabilities, under the runtime seccomp profile', () => {
    for (const deployment of deploymentsOf(objects)) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext, deployment.metadata?.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      for (const container of pod.containers) {
        expect(container.securityContext, `${deployment.metadata?.name}/${container.name}`).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('probes /healthz (liveness) and /readyz (readiness) on a declared port, the one the scrape annotations name', () => {
    for (const deployment of deploymentsOf(objects)) {
      const [container] = deployment.spec.template.spec.containers;
      const name = deployment.metadata?.name ?? '';
      if (container === undefined) throw new Error(`${name} has no container`);
      const port = container.ports?.find((p) => p.name === container.livenessProbe?.httpGet?.port);
      expect(container.livenessProbe?.httpGet?.path, name).toBe('/healthz');
      expect(container.readinessProbe?.httpGet, name).toEqual({ path: '/readyz', port: port?.name });
      expect(deployment.spec.template.metadata.annotations, name).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port?.containerPort),
        'prometheus.io/path': '/metrics',
      });
      // The app listens on all addresses of the pod, on that port.
      const env = containerEnv(objects, deployment, container);
      const listen = { ingest: ['INGEST_HOST', 'INGEST_PORT'], 'consumer-worker': ['CONSUMER_METRICS_HOST', 'CONSUMER_METRICS_PORT'], 'lag-monitor': ['LAG_MONITOR_METRICS_HOST', 'LAG_MONITOR_METRICS_PORT'] }[name];
      expect(listen?.map((key) => env[key]), name).toEqual(['0.0.0.0', String(port?.containerPort)]);
    }
  });

  it('requests CPU and memory and limits memory for every container', () => {
    for (const deployment of deploymentsOf(objects)) {
      for (const container of deployment.spec.template.spec.containers) {
        expect(Object.keys(container.resources?.requests ?? {}).sort(), deployment.metadata?.name).toEqual(['cpu', 'memory']);
        expect(container.resources?.limits?.memory, deployment.metadata?.name).toBeDefined();
      }
    }
  });

  it('covers every Deployment with a PodDisruptionBudget and spreads its pods over nodes', () => {
    const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget') as Array<KubeObject & { spec: { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number } }>;
    for (const deployment of deploymentsOf(objects)) {
      const labels = deployment.spec.template.metadata.labels;
      const covering = budgets.filter((b) => Object.entries(b.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
      expect(covering.map((b) => b.spec.maxUnavailable), deployment.metadata?.name).toEqual([1]);
      const spread = deployment.spec.template.spec.topologySpreadConstraints ?? [];
      expect(spread.map((c) => c.topologyKey), deployment.metadata?.name).toContain('kubernetes.io/hostname');
    }
  });

  it('gives each app settings it accepts: its ConfigMaps and env load without a problem', () => {
    for (const deployment of deploymentsOf(objects)) {
      const name = deployment.metadata?.name ?? '';
      const [container] = deployment.spec.template.spec.containers;
      if (container === undefined) throw new Error(`${name} has no container`);
      const env = containerEnv(objects, deployment, container);
      expect(() => loadKafkaConfig(env), name).not.toThrow();
      const load = loaders[name];
      expect(load, `no settings loader for ${name}`).toBeDefined();
      expect(() => load?.(env), name).not.toThrow();
    }
  });

  it('reads SASL credentials and TLS files from optional Secrets, never from a ConfigMap', () => {
    for (const deployment of deploymentsOf(objects)) {
      const [container] = deployment.spec.template.spec.containers;
      const secrets = (container?.env ?? []).filter((e) => e.valueFrom?.secretKeyRef !== undefined).map((e) => [e.name, e.valueFrom?.secretKeyRef]);
      expect(secrets, deployment.metadata?.name).toEqual(
        expect.arrayContaining([
          ['KAFKA_SASL_USERNAME', { name: 'kafka-credentials', key: 'username', optional: true }],
          ['KAFKA_SASL_PASSWORD', { name: 'kafka-credentials', key: 'password', optional: true }],
        ]),
      );
      for (const configMap of objects.filter((o) => o.kind === 'ConfigMap')) {
        expect(Object.keys((configMap as { data?: object }).data ?? {})).not.toContain('KAFKA_SASL_PASSWORD');
      }
    }
  });

  it('gives consumer-worker no replica count (the autoscaler owns it) and more grace than its shutdown timeout', () => {
    const consumer = findObject<Deployment>(objects, 'Deployment', 'consumer-worker');
    expect(consumer.spec.replicas).toBeUndefined();
    const shutdownMs = Number(configMapData(objects, 'consumer-worker-settings').CONSUMER_SHUTDOWN_TIMEOUT_MS);
    expect(shutdownMs).toBeGreaterThan(0);
    expect((consumer.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1_000).toBeGreaterThan(shutdownMs);
  });

  if (!variant.components.includes('keda')) {
    it('runs two lag-monitor replicas with leader election, and its Role names exactly the scaled Deployment and the Lease', () => {
      const monitor = findObject<Deployment>(objects, 'Deployment', 'lag-monitor');
      const settings = configMapData(objects, 'lag-monitor-settings');
      expect(monitor.spec.replicas).toBe(2);
      expect(settings).toMatchObject({ LAG_MONITOR_ACTUATOR: 'kubernetes', LAG_MONITOR_LEADER_ELECTION: 'true', LAG_MONITOR_K8S_AUTH: 'in-cluster' });
      const target = settings.LAG_MONITOR_K8S_DEPLOYMENT ?? '';
      const lease = settings.LAG_MONITOR_LEASE_NAME ?? '';
      findObject(objects, 'Deployment', target);
      findObject(objects, 'Lease', lease);

      const role = findObject<KubeObject & { rules: Rule[] }>(objects, 'Role', 'lag-monitor-scaler');
      expect(role.rules).toEqual([
        { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: [target], verbs: ['get', 'patch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [lease], verbs: ['get', 'patch'] },
      ]);
      const binding = findObject<KubeObject & { roleRef: { name: string }; subjects: Array<{ kind: string; name: string; namespace: string }> }>(objects, 'RoleBinding', 'lag-monitor-scaler');
      expect(binding.roleRef.name).toBe(role.metadata?.name);
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: monitor.spec.template.spec.serviceAccountName, namespace: NAMESPACE }]);
      // Only lag-monitor talks to the API server.
      for (const deployment of deploymentsOf(objects).filter((d) => d !== monitor)) {
        expect(deployment.spec.template.spec.automountServiceAccountToken, deployment.metadata?.name).toBe(false);
      }
    });
  } else {
    it('scales the consumer Deployment with a KEDA ScaledObject; lag-monitor only exports, with no API rights', () => {
      const scaled = findObject<KubeObject & { spec: { scaleTargetRef: { name: string }; triggers: Array<{ type: string; metadata: Record<string, string> }> } }>(objects, 'ScaledObject', 'consumer-worker');
      expect(scaled.spec.scaleTargetRef.name).toBe('consumer-worker');
      const consumer = findObject<Deployment>(objects, 'Deployment', 'consumer-worker');
      const env = containerEnv(objects, consumer, consumer.spec.template.spec.containers[0] as Container);
      // The trigger reads the worker's own settings: each *FromEnv names a variable the container has.
      const [trigger] = scaled.spec.triggers;
      expect(trigger?.type).toBe('kafka');
      for (const key of ['bootstrapServersFromEnv', 'consumerGroupFromEnv', 'topicFromEnv']) {
        expect(env[trigger?.metadata[key] ?? ''], key).toBeDefined();
      }
      expect(configMapData(objects, 'lag-monitor-settings')).toMatchObject({ LAG_MONITOR_ACTUATOR: 'none', LAG_MONITOR_LEADER_ELECTION: 'false' });
      expect(objects.filter((o) => ['Role', 'RoleBinding', 'Lease'].includes(o.kind ?? ''))).toEqual([]);
      expect(findObject<KubeObject & { automountServiceAccountToken?: boolean }>(objects, 'ServiceAccount', 'lag-monitor').automountServiceAccountToken).toBe(false);
    });
  }
});

describe('deploy/k8s/README.md', () => {
  it('has a quick-path overlay that renders as it says: own registry, brokers, topic and group on top of prod', async () => {
    const readme = await readFile(join(deployK8sDir, 'README.md'), 'utf8');
    const example = /cat > deploy\/k8s\/overlays\/mine\/kustomization\.yaml <<'EOF'\n([\s\S]*?)\nEOF/.exec(readme)?.[1];
    expect(example, 'the README lost its example overlay').toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'lagscale-readme-overlay-'));
    try {
      const prod = relative(dir, join(deployK8sDir, 'overlays/prod'));
      await writeFile(join(dir, 'kustomization.yaml'), (example ?? '').replace('resources: [../prod]', `resources: [${prod}]`));
      const objects = parseObjects(await kustomizeBuild(dir));
      const images = deploymentsOf(objects).flatMap((d) => d.spec.template.spec.containers.map((c) => c.image)).sort();
      expect(images).toEqual(['consumer-worker', 'lag-monitor', 'producer-gen'].map((app) => `registry.example.com/lagscale/${app}:0.1.0`));
      expect(configMapData(objects, 'kafka-settings').KAFKA_BROKERS).toBe('my-kafka-0.kafka:9092,my-kafka-1.kafka:9092');
      expect(configMapData(objects, 'lag-monitor-settings')).toMatchObject({ LAG_MONITOR_SCALE_GROUP: 'orders-workers', LAG_MONITOR_MAX_REPLICAS: '12', LAG_MONITOR_DRAIN_TARGET_SECONDS: '120' });
      const consumer = findObject<Deployment>(objects, 'Deployment', 'consumer-worker');
      const env = containerEnv(objects, consumer, consumer.spec.template.spec.containers[0] as Container);
      expect(loadWorkerSettings(env)).toMatchObject({ groupId: 'orders-workers' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
