import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const prometheusDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RULES_FILE = join(prometheusDir, 'rules', 'lagscale.rules.yaml');
export const PROMETHEUS_RULE_FILE = join(prometheusDir, 'prometheus-rule.yaml');

/** One rule of the rules file (a recording rule or an alert). */
export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export function readRuleGroups(path = RULES_FILE): RuleGroup[] {
  const doc = parse(readFileSync(path, 'utf8')) as { groups?: RuleGroup[] };
  if (!Array.isArray(doc.groups)) throw new Error(`${path}: no "groups" list`);
  return doc.groups;
}

/**
 * The rules file as a prometheus-operator PrometheusRule: the same groups under `spec`, so the
 * rules promtool tests are exactly the rules the operator loads.
 */
export function renderPrometheusRule(groups: readonly RuleGroup[]): string {
  const header = '# Generated from rules/lagscale.rules.yaml by `npm run generate -w deploy/prometheus`; edit the rules file, not this one.\n';
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'lagscale',
      labels: { 'app.kubernetes.io/name': 'lagscale', 'app.kubernetes.io/component': 'alerting', 'app.kubernetes.io/part-of': 'lagscale' },
    },
    spec: { groups },
  };
  return header + stringify(resource, { lineWidth: 0 });
}
