// Every render of deploy/k8s against a real kube-apiserver: a server-side dry run (defaulting,
// validation, admission, Pod Security warnings, nothing stored), then a real server-side apply
// into a namespace of the test's own. KEDA's and the Prometheus Operator's objects are checked
// against their own CRDs, installed on the server from their Go modules.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiServerForTests, k8sToolPaths, type ApiServer } from '../api-server.js';
import { applyObjects, createTestNamespace, describeObject, expectOk, installCrds, kubeRest, type KubeObject, type KubeRest } from '../kube-client.js';
import { renderDeployDir, renderVariant, type Variant } from '../render.js';

const variants: Array<Variant & { name: string; prefix: string }> = [
  { name: 'overlay dev', prefix: 'dev', from: 'dev', components: [] },
  { name: 'overlay prod', prefix: 'prod', from: 'prod', components: [] },
  { name: 'base + keda', prefix: 'keda', from: 'base', components: ['keda'] },
  { name: 'base + keda + keda-kafka-auth', prefix: 'keda-auth', from: 'base', components: ['keda', 'keda-kafka-auth'] },
  { name: 'base + prometheus-operator', prefix: 'prom', from: 'base', components: ['prometheus-operator'] },
  { name: 'base + network-policy', prefix: 'netpol', from: 'base', components: ['network-policy'] },
  { name: 'prod + every component', prefix: 'all', from: 'prod', components: ['keda', 'keda-kafka-auth', 'prometheus-operator', 'network-policy'] },
];

/** The labels the overlays give their namespace: Pod Security enforced, and warned about at apply. */
const podSecurity = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' };

let server: ApiServer;
let admin: KubeRest;
let crds: string[];

beforeAll(async () => {
  server = await apiServerForTests();
  admin = kubeRest(server, server.adminToken);
  const paths = await k8sToolPaths();
  const keda = (await readdir(paths.kedaCrdDir)).filter((f) => f.endsWith('.yaml')).map((f) => join(paths.kedaCrdDir, f));
  const monitors = ['servicemonitors', 'podmonitors', 'prometheusrules'].map((r) => join(paths.prometheusOperatorCrdDir, `monitoring.coreos.com_${r}.yaml`));
  crds = await installCrds(admin, [...keda, ...monitors]);
});

/** GET of an applied object by its own self-describing path. */
async function exists(object: KubeObject): Promise<number> {
  const apiVersion = object.apiVersion ?? '';
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const plural = (await expectOk<{ resources: Array<{ kind: string; name: string; namespaced: boolean }> }>(admin, 'GET', base)).resources.find(
    (r) => r.kind === object.kind && !r.name.includes('/'),
  );
  const scope = plural?.namespaced ? `/namespaces/${object.metadata?.namespace}` : '';
  return (await admin.request('GET', `${base}${scope}/${plural?.name}/${object.metadata?.name}`)).status;
}

describe('the test API server', () => {
  it('runs the Kubernetes version tools/k8s builds, with RBAC on, and serves KEDA and Prometheus Operator kinds', async () => {
    const version = await expectOk<{ gitVersion: string }>(admin, 'GET', '/version');
    expect(version.gitVersion).toBe(`v${server.kubernetesVersion}`);
    const anonymous = await kubeRest(server, 'not-a-token').request('GET', '/api/v1/namespaces');
    expect(anonymous.status).toBe(401);
    expect(crds).toEqual(expect.arrayContaining(['scaledobjects.keda.sh', 'triggerauthentications.keda.sh', 'servicemonitors.monitoring.coreos.com', 'podmonitors.monitoring.coreos.com', 'prometheusrules.monitoring.coreos.com']));
  });
});

describe.each(variants)('$name', (variant) => {
  it('is accepted by a server-side dry run with no warnings, stores nothing, then applies for real', async () => {
    const namespace = await createTestNamespace(admin, `deploy-${variant.prefix}`, podSecurity);
    const objects = await renderVariant(variant, namespace);

    const dryRun = await applyObjects(admin, objects, { dryRun: true });
    expect(dryRun.rejected).toEqual([]);
    expect(dryRun.warnings).toEqual([]);
    const statuses = await Promise.all(objects.filter((o) => o.kind !== 'Namespace').map(exists));
    expect(statuses.every((s) => s === 404), 'a dry run stored objects').toBe(true);

    const applied = await applyObjects(admin, objects);
    expect(applied.rejected).toEqual([]);
    expect(applied.warnings).toEqual([]);
    for (const object of objects) expect(await exists(object), describeObject(object)).toBe(200);

    // Applying again changes nothing and is accepted (what a CD pipeline does on every commit).
    const again = await applyObjects(admin, objects);
    expect(again.rejected).toEqual([]);
    expect(again.applied.map((o) => o.metadata?.resourceVersion)).toEqual(applied.applied.map((o) => o.metadata?.resourceVersion));
  });
});

// The dashboards and the rules ship as kustomizations of their own beside deploy/k8s: a user
// applies them into the namespace their Grafana sidecar and Prometheus Operator watch.
describe('deploy/grafana and deploy/prometheus', () => {
  it('the dashboards apply as ConfigMaps the Grafana sidecar loads: its label, one dashboard each, fixed uids', async () => {
    const namespace = await createTestNamespace(admin, 'dashboards');
    const objects = await renderDeployDir('grafana', namespace);
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap']);
    const uids = objects.map((o) => {
      expect(o.metadata?.labels?.['grafana_dashboard'], describeObject(o)).toBe('1');
      const files = Object.entries((o as { data?: Record<string, string> }).data ?? {});
      expect(files, describeObject(o)).toHaveLength(1);
      const [file, json] = files[0] as [string, string];
      expect(file).toMatch(/\.json$/);
      return (JSON.parse(json) as { uid?: string }).uid;
    });
    expect(new Set(uids).size).toBe(3);
    for (const uid of uids) expect(uid).toMatch(/^lagscale-/);

    const dryRun = await applyObjects(admin, objects, { dryRun: true });
    expect(dryRun.rejected).toEqual([]);
    const applied = await applyObjects(admin, objects);
    expect(applied.rejected).toEqual([]);
    expect(applied.warnings).toEqual([]);
    for (const object of objects) expect(await exists(object), describeObject(object)).toBe(200);
  });

  it("the rules apply as a PrometheusRule the Prometheus Operator's own CRD accepts, every alert with a summary and a description", async () => {
    const namespace = await createTestNamespace(admin, 'rules');
    const objects = await renderDeployDir('prometheus', namespace);
    expect(objects.map((o) => o.kind)).toEqual(['PrometheusRule']);
    const groups = ((objects[0] as { spec?: { groups?: Array<{ rules: Array<Record<string, unknown>> }> } }).spec?.groups ?? []);
    const rules = groups.flatMap((g) => g.rules);
    const alerts = rules.filter((r) => typeof r.alert === 'string');
    expect(rules.some((r) => typeof r.record === 'string')).toBe(true);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      const annotations = (alert.annotations ?? {}) as Record<string, string>;
      expect(annotations.summary, String(alert.alert)).toBeTruthy();
      expect(annotations.description, String(alert.alert)).toBeTruthy();
    }

    const dryRun = await applyObjects(admin, objects, { dryRun: true });
    expect(dryRun.rejected).toEqual([]);
    const applied = await applyObjects(admin, objects);
    expect(applied.rejected).toEqual([]);
    expect(applied.warnings).toEqual([]);
    for (const object of objects) expect(await exists(object), describeObject(object)).toBe(200);

    // The CRD's schema is what the operator reads: a rule group without its name is refused.
    const broken = { ...objects[0], spec: { groups: [{ rules: [{ alert: 'X', expr: 'vector(1)' }] }] } } as KubeObject;
    const { rejected } = await applyObjects(admin, [broken], { dryRun: true });
    expect(rejected).toHaveLength(1);
  });
});

describe("KEDA's CRD, as installed", () => {
  it('rejects what KEDA would: an unknown field, a wrong type, a trigger without a type', async () => {
    const namespace = await createTestNamespace(admin, 'keda-crd');
    const [scaled] = (await renderVariant({ from: 'base', components: ['keda'] }, namespace)).filter((o) => o.kind === 'ScaledObject');
    if (scaled === undefined) throw new Error('the keda component renders no ScaledObject');
    const spec = scaled.spec as Record<string, unknown>;
    const broken: Array<[string, KubeObject, RegExp]> = [
      // Server-side apply refuses a field the schema lacks before validation even runs.
      ['unknown field', { ...scaled, spec: { ...spec, maxReplicas: 4 } }, /\.spec\.maxReplicas: field not declared in schema/],
      ['wrong type', { ...scaled, spec: { ...spec, minReplicaCount: 'one' } }, /\.spec\.minReplicaCount: expected numeric \(int or float\), got string/],
      ['trigger without type', { ...scaled, spec: { ...spec, triggers: [{ metadata: { topic: 'x' } }] } }, /spec\.triggers\[0\]\.type: Required value/],
    ];
    for (const [what, object, message] of broken) {
      const { rejected } = await applyObjects(admin, [object], { dryRun: true });
      expect(rejected, what).toHaveLength(1);
      expect(rejected[0]?.message, what).toMatch(message);
    }
  });
});
