// The committed dashboards are exactly what the TypeScript builds, and every dashboard keeps the
// rules users rely on: fixed uids, the shared template variables, a unit and a description on
// every panel, the data source variable everywhere, no hard-coded instance or pod, lag panels on
// the kafka_exporter names, and a kustomize ConfigMap with the sidecar label for each file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARDS, promQueries, renderDashboard, VARIABLES } from '../src/index.js';

const root = join(import.meta.dirname, '..');
const committed = (file: string) => readFileSync(join(root, 'dashboards', file), 'utf8');

interface JsonPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  fieldConfig?: { defaults?: { unit?: string; mappings?: unknown[] } };
  targets?: { expr: string; datasource?: { uid: string } }[];
}
interface JsonDashboard {
  uid: string;
  title: string;
  panels: JsonPanel[];
  templating: { list: { name: string; type: string; query?: unknown; datasource?: { uid: string } }[] };
}

const models = DASHBOARDS.map(({ file }) => ({ file, model: JSON.parse(committed(file)) as JsonDashboard }));
const dataPanels = (d: JsonDashboard) => d.panels.filter((p) => p.type !== 'row');

describe('Grafana dashboards (deploy/grafana)', () => {
  it.each(DASHBOARDS.map((d) => d.file))('%s is what src/ generates (npm run generate -w deploy/grafana)', (file) => {
    const source = DASHBOARDS.find((d) => d.file === file);
    expect(committed(file)).toBe(renderDashboard(source!.build()));
  });

  it('every JSON file in dashboards/ comes from a source', () => {
    expect(readdirSync(join(root, 'dashboards')).sort()).toEqual(DASHBOARDS.map((d) => d.file).sort());
  });

  it('uids are fixed, distinct and within Grafana’s 40 characters', () => {
    const uids = models.map((m) => m.model.uid);
    expect(uids).toEqual(['lagscale-lag-autoscaling', 'lagscale-pipeline', 'lagscale-worker-pool']);
    for (const uid of uids) expect(uid.length).toBeLessThanOrEqual(40);
  });

  it.each(models.map((m) => [m.file, m.model] as const))('%s is templated on data source, namespace, consumer group and topic', (_file, model) => {
    const variables = model.templating.list;
    expect(variables[0]).toMatchObject({ name: VARIABLES.datasource, type: 'datasource', query: 'prometheus' });
    const names = variables.map((v) => v.name);
    for (const name of [VARIABLES.namespace, VARIABLES.consumerGroup, VARIABLES.topic]) expect(names).toContain(name);
    for (const v of variables.slice(1)) expect(v.datasource?.uid).toBe('${datasource}');
    // every variable is used by some panel query
    const exprs = promQueries(model).map((q) => q.expr).join('\n');
    for (const name of names.slice(1)) expect(exprs, `$${name} unused`).toContain(`$${name}`);
  });

  it.each(models.map((m) => [m.file, m.model] as const))('%s: every panel has a unit, a description, the data source variable and a query', (_file, model) => {
    const panels = dataPanels(model);
    expect(panels.length).toBeGreaterThanOrEqual(8);
    for (const panel of panels) {
      const unit = panel.fieldConfig?.defaults?.unit;
      expect(unit, `"${panel.title}" has no unit`).toBeTruthy();
      // "none" is for enumerations only, which then show names through value mappings
      if (unit === 'none') expect(panel.fieldConfig?.defaults?.mappings?.length, `"${panel.title}" unit none without mappings`).toBeGreaterThan(0);
      expect(panel.description?.length, `"${panel.title}" has no description`).toBeGreaterThan(20);
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, `"${panel.title}" has no query`).toBeGreaterThan(0);
      for (const t of panel.targets ?? []) expect(t.datasource?.uid).toBe('${datasource}');
    }
    const ids = model.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(models.map((m) => [m.file, m.model] as const))('%s selects no instance, pod, address or namespace by value', (_file, model) => {
    for (const q of promQueries(model)) {
      expect(q.expr, q.where).not.toMatch(/\binstance\s*=/);
      expect(q.expr, q.where).not.toMatch(/\b(pod|namespace|consumergroup|topic)\s*(=|=~|!=)\s*"(?!\$)/);
      expect(q.expr, q.where).not.toMatch(/\d+\.\d+\.\d+\.\d+|localhost|:\d{4,5}\b/);
    }
  });

  it('lag panels read the kafka_exporter series, so they work against a plain kafka_exporter', () => {
    const lag = models.find((m) => m.model.uid === 'lagscale-lag-autoscaling')!.model;
    const exprOf = (title: string) => dataPanels(lag).find((p) => p.title === title)?.targets?.map((t) => t.expr).join(' ') ?? '';
    for (const title of ['Total lag', 'Lag per group and topic', 'Lag per partition']) {
      expect(exprOf(title)).toMatch(/^sum(?: by \(consumergroup, topic(?:, partition)?\) )?\(kafka_consumergroup_lag\{/);
      expect(exprOf(title)).not.toContain('lag_monitor_');
    }
    expect(promQueries(lag).filter((q) => q.kind === 'variable').every((q) => q.expr.includes('kafka_consumergroup_lag'))).toBe(true);
  });

  it('scaling decisions are annotations from lag_monitor_scaling_decisions_total, holds left out', () => {
    const lag = models.find((m) => m.model.uid === 'lagscale-lag-autoscaling')!.model;
    const annotations = promQueries(lag).filter((q) => q.kind === 'annotation');
    expect(annotations).toHaveLength(1);
    expect(annotations[0]?.expr).toMatch(/increase\(lag_monitor_scaling_decisions_total\{[^}]*action!="hold"\}\[\$__interval\]\)\) > 0$/);
  });

  it('kustomization.yaml makes one ConfigMap per dashboard with the sidecar label and stable names', () => {
    const k = parse(readFileSync(join(root, 'kustomization.yaml'), 'utf8')) as {
      kind: string;
      generatorOptions: { disableNameSuffixHash: boolean; labels: Record<string, string> };
      configMapGenerator: { name: string; files: string[] }[];
    };
    expect(k.kind).toBe('Kustomization');
    expect(k.generatorOptions.labels.grafana_dashboard).toBe('1');
    expect(k.generatorOptions.disableNameSuffixHash).toBe(true);
    const files = k.configMapGenerator.flatMap((g) => g.files);
    expect(files.sort()).toEqual(DASHBOARDS.map((d) => `${d.file}=dashboards/${d.file}`).sort());
    for (const g of k.configMapGenerator) expect(g.name).toMatch(/^lagscale-dashboard-[a-z-]+$/);
    // a ConfigMap holds at most 1 MiB; client-side apply adds a 256 KiB annotation copy
    for (const d of DASHBOARDS) expect(Buffer.byteLength(committed(d.file))).toBeLessThan(256 * 1024);
  });
});
