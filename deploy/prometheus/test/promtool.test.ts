// promtool (Debian's prometheus package, installed by tools/prometheus/install.sh) checks the
// rules and runs their unit tests; a broken expectation must make it fail, so the green run means
// something; the PrometheusRule's groups pass the same check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { prometheusBinDir } from '../../../tools/prometheus/prometheus-server.js';
import { PROMETHEUS_RULE_FILE, prometheusDir, RULES_FILE } from '../scripts/prometheus-rule.js';

let promtool = '';
let scratch = '';

function run(...args: string[]) {
  const result = spawnSync(promtool, args, { cwd: prometheusDir, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('promtool on deploy/prometheus', () => {
  beforeAll(() => {
    promtool = join(prometheusBinDir(), 'promtool');
    scratch = mkdtempSync(join(tmpdir(), 'lagscale-promtool-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('promtool check rules accepts every rule', () => {
    const result = run('check', 'rules', RULES_FILE);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS: 20 rules found/);
  });

  it('promtool test rules: every alert fires where it should and stays silent where it should not', () => {
    const result = run('test', 'rules', 'tests/alerts.test.yaml', 'tests/recording.test.yaml');
    expect(result.code, result.output).toBe(0);
    expect(result.output.match(/SUCCESS/g)).toHaveLength(2);
  });

  it('a wrong expectation fails promtool test rules (the cases are not vacuous)', () => {
    const cases = parse(readFileSync(join(prometheusDir, 'tests/alerts.test.yaml'), 'utf8')) as {
      rule_files: string[];
      tests: { alert_rule_test?: { exp_alerts: { exp_labels: Record<string, string> }[] }[] }[];
    };
    cases.rule_files = [RULES_FILE];
    // expect the draining/silent group to fire too
    const firing = cases.tests[0]?.alert_rule_test?.find((c) => c.exp_alerts.length > 0);
    firing?.exp_alerts.push({ exp_labels: { severity: 'warning', namespace: 'shop', consumergroup: 'search', topic: 'orders' } });
    const broken = join(scratch, 'broken.test.yaml');
    writeFileSync(broken, stringify(cases));
    const result = run('test', 'rules', broken);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/FAILED/);
  });

  it("the PrometheusRule's groups pass promtool check rules", () => {
    const resource = parse(readFileSync(PROMETHEUS_RULE_FILE, 'utf8')) as { spec: unknown };
    const file = join(scratch, 'prometheus-rule-spec.yaml');
    writeFileSync(file, stringify(resource.spec));
    const result = run('check', 'rules', file);
    expect(result.code, result.output).toBe(0);
  });
});
