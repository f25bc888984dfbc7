import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lagscale/kafka-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KUBERNETES_ENV, loadKubeConfig, resolveAuthMode, type KubeConfigSource } from './kube-config.js';

describe('resolveAuthMode', () => {
  const rows: { name: string; source: KubeConfigSource; serviceHost?: string; mode: 'in-cluster' | 'kubeconfig' }[] = [
    { name: 'auto in a pod', source: { auth: 'auto' }, serviceHost: '10.0.0.1', mode: 'in-cluster' },
    { name: 'auto outside a pod', source: { auth: 'auto' }, mode: 'kubeconfig' },
    { name: 'auto with a kubeconfig path, even in a pod', source: { auth: 'auto', kubeconfigPath: '/k' }, serviceHost: '10.0.0.1', mode: 'kubeconfig' },
    { name: 'explicit in-cluster', source: { auth: 'in-cluster' }, mode: 'in-cluster' },
    { name: 'explicit kubeconfig, even in a pod', source: { auth: 'kubeconfig' }, serviceHost: '10.0.0.1', mode: 'kubeconfig' },
  ];
  it.each(rows)('$name → $mode', ({ source, serviceHost, mode }) => {
    expect(resolveAuthMode(source, serviceHost === undefined ? {} : { [KUBERNETES_ENV.serviceHost]: serviceHost })).toBe(mode);
  });
});

describe('loadKubeConfig', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function kubeconfigFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kube-config-spec-'));
    dirs.push(dir);
    const path = join(dir, 'config');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: a, cluster: { server: "https://a.example:6443" } }, { name: b, cluster: { server: "https://b.example:6443" } }]',
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: ctx-a, context: { cluster: a, user: u } }, { name: ctx-b, context: { cluster: b, user: u } }]',
        'current-context: ctx-a',
      ].join('\n'),
    );
    return path;
  }

  it('loads a kubeconfig file and switches to the context asked for', () => {
    const path = kubeconfigFile();
    expect(loadKubeConfig({ auth: 'kubeconfig', kubeconfigPath: path }).getCurrentCluster()?.server).toBe('https://a.example:6443');
    expect(loadKubeConfig({ auth: 'kubeconfig', kubeconfigPath: path, context: 'ctx-b' }).getCurrentCluster()?.server).toBe('https://b.example:6443');
  });

  it('loads the file KUBECONFIG names when no path is given', () => {
    vi.stubEnv(KUBERNETES_ENV.kubeconfig, kubeconfigFile());
    expect(loadKubeConfig({ auth: 'kubeconfig' }).getCurrentCluster()?.name).toBe('a');
  });

  const failures: { name: string; source: () => KubeConfigSource; env?: Record<string, string>; says: RegExp }[] = [
    { name: 'a missing file', source: () => ({ auth: 'kubeconfig', kubeconfigPath: '/nonexistent/kubeconfig' }), says: /kubeconfig \/nonexistent\/kubeconfig does not exist/ },
    { name: 'an unknown context', source: () => ({ auth: 'kubeconfig', kubeconfigPath: kubeconfigFile(), context: 'ctx-z' }), says: /no context "ctx-z" \(it has: ctx-a, ctx-b\)/ },
    { name: 'in-cluster outside a pod', source: () => ({ auth: 'in-cluster' }), env: { [KUBERNETES_ENV.serviceHost]: '' }, says: /in-cluster auth needs KUBERNETES_SERVICE_HOST/ },
    {
      name: 'no kubeconfig anywhere',
      source: () => ({ auth: 'kubeconfig' }),
      env: { [KUBERNETES_ENV.kubeconfig]: '', HOME: '/nonexistent-home' },
      says: /no kubeconfig found: KUBECONFIG is unset/,
    },
  ];
  it.each(failures)('fails fast on $name', ({ source, env, says }) => {
    for (const [name, value] of Object.entries(env ?? {})) vi.stubEnv(name, value);
    const load = () => loadKubeConfig(source());
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(says);
  });
});
