import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { kustomizeBuild } from './api-server.js';
import { parseObjects, type KubeObject } from './kube-client.js';

/** deploy/k8s of this checkout. */
export const deployK8sDir = fileURLToPath(new URL('../../deploy/k8s/', import.meta.url));

/** deploy/ of this checkout: k8s/, and the dashboards (grafana/) and rules (prometheus/) kustomizations beside it. */
export const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));

export const OVERLAYS = ['dev', 'prod'] as const;
export const COMPONENTS = ['keda', 'keda-kafka-auth', 'prometheus-operator', 'network-policy'] as const;
export type Overlay = (typeof OVERLAYS)[number];
export type Component = (typeof COMPONENTS)[number];

export interface Variant {
  /** An overlay, or the base alone. */
  from: Overlay | 'base';
  components: readonly Component[];
}

/**
 * `kustomize build` of an overlay (or the base) with components, moved into `namespace` by a
 * kustomization of our own around it: what a user does to deploy into a namespace of theirs.
 * kustomize wants the paths relative (absolute ones are refused), hence the temp dir.
 */
export async function renderVariant(variant: Variant, namespace: string, extra: { images?: Array<{ name: string; newTag: string }> } = {}): Promise<KubeObject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lagscale-kustomize-'));
  try {
    const path = (to: string) => relative(dir, join(deployK8sDir, to));
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace,
      resources: [path(variant.from === 'base' ? 'base' : `overlays/${variant.from}`)],
      ...(variant.components.length === 0 ? {} : { components: variant.components.map((c) => path(`components/${c}`)) }),
      ...(extra.images === undefined ? {} : { images: extra.images }),
    };
    await writeFile(join(dir, 'kustomization.yaml'), stringify(kustomization));
    return parseObjects(await kustomizeBuild(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `kustomize build` of a kustomization under deploy/ (e.g. `grafana`, `prometheus`), moved into
 * `namespace` the same way: what `kubectl apply -k deploy/<dir> -n <namespace>` applies.
 */
export async function renderDeployDir(relativeDir: string, namespace: string): Promise<KubeObject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lagscale-kustomize-'));
  try {
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace, resources: [relative(dir, join(deployDir, relativeDir))] };
    await writeFile(join(dir, 'kustomization.yaml'), stringify(kustomization));
    return parseObjects(await kustomizeBuild(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The one object of a kind and name in a render; throws when there is not exactly one. */
export function findObject<T extends KubeObject = KubeObject>(objects: readonly KubeObject[], kind: string, name: string): T {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as T;
}

/** The data of the ConfigMap kustomize generated under `name` (its hashed name starts with it). */
export function configMapData(objects: readonly KubeObject[], name: string): Record<string, string> {
  const found = objects.filter((o) => o.kind === 'ConfigMap' && new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata?.name ?? ''));
  if (found.length !== 1) throw new Error(`expected one generated ConfigMap ${name}, found ${found.length}`);
  return (found[0] as { data?: Record<string, string> }).data ?? {};
}
