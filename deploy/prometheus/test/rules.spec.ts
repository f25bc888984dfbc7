// The rules file keeps what on-call relies on: every alert has a severity, a summary, a
// description naming its labels and a runbook entry in the README; every alert has promtool
// cases that fire it and cases that keep it silent; the PrometheusRule is generated from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROMETHEUS_RULE_FILE, prometheusDir, readRuleGroups, renderPrometheusRule } from '../scripts/prometheus-rule.js';

const groups = readRuleGroups();
const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
const records = groups.flatMap((g) => g.rules).filter((r) => r.record !== undefined);

interface AlertCase {
  alertname: string;
  exp_alerts: unknown[];
}
const testFiles = ['alerts.test.yaml', 'recording.test.yaml'].map((f) => parse(readFileSync(join(prometheusDir, 'tests', f), 'utf8')) as { tests: { alert_rule_test?: AlertCase[]; promql_expr_test?: { expr: string }[] }[] });
const alertCases = testFiles.flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));
const readme = readFileSync(join(prometheusDir, '../../README.md'), 'utf8');

describe('Prometheus rules (deploy/prometheus)', () => {
  it('has the alerts the runbook covers and recording rules named level:metric:operation', () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      'KafkaConsumerLagGrowing',
      'KafkaConsumerTimeLagHigh',
      'KafkaConsumerGroupStalled',
      'KafkaConsumerGroupStopped',
      'LagMonitorDown',
      'LagMonitorAbsent',
      'LagMonitorCollectionErrors',
      'KafkaConsumerDeadLetters',
      'KafkaConsumerScalingPinned',
      'KafkaConsumersNotReady',
    ]);
    for (const r of records) expect(r.record).toMatch(/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
  });

  it.each(alerts.map((a) => [a.alert!, a] as const))('%s has a severity, a summary, a description with its labels and a README runbook', (name, alert) => {
    expect(['warning', 'critical']).toContain(alert.labels?.severity);
    expect(alert.annotations?.summary?.length).toBeGreaterThan(10);
    // absent() keeps no labels to name; every other alert says which group, topic or pod
    if (name !== 'LagMonitorAbsent') expect(alert.annotations?.description).toMatch(/\{\{ \$labels\.\w+ \}\}/);
    expect(alert.annotations?.runbook).toBe(`README.md, Observe → Alerts → ${name}`);
    expect(readme, `README has no runbook entry for ${name}`).toContain(`#### \`${name}\``);
  });

  it.each(alerts.map((a) => a.alert!))('%s has promtool cases where it fires and where it stays silent', (name) => {
    const cases = alertCases.filter((c) => c.alertname === name);
    expect(cases.some((c) => c.exp_alerts.length > 0), `no case fires ${name}`).toBe(true);
    expect(cases.some((c) => c.exp_alerts.length === 0), `no case keeps ${name} silent`).toBe(true);
  });

  it('every recording rule is checked by a promtool case or used by an alert', () => {
    const tested = testFiles.flatMap((f) => f.tests.flatMap((t) => (t.promql_expr_test ?? []).map((e) => e.expr)));
    const alertExprs = alerts.map((a) => a.expr).join('\n');
    const covered = records.filter((r) => tested.includes(r.record!) || alertExprs.includes(r.record!));
    // the rest are shortcuts for dashboards; the real-Prometheus test evaluates every one
    expect(covered.length).toBeGreaterThanOrEqual(4);
  });

  it('prometheus-rule.yaml is generated from the rules file (npm run generate -w deploy/prometheus)', () => {
    expect(readFileSync(PROMETHEUS_RULE_FILE, 'utf8')).toBe(renderPrometheusRule(groups));
    const resource = parse(readFileSync(PROMETHEUS_RULE_FILE, 'utf8')) as { kind: string; spec: { groups: unknown } };
    expect(resource.kind).toBe('PrometheusRule');
    expect(resource.spec.groups).toEqual(groups);
    const kustomization = parse(readFileSync(join(prometheusDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources).toEqual(['prometheus-rule.yaml']);
  });
});
