// Writes deploy/prometheus/prometheus-rule.yaml from rules/lagscale.rules.yaml; with --check,
// exits 1 when the committed file differs instead of writing.
import { readFileSync, writeFileSync } from 'node:fs';
import { PROMETHEUS_RULE_FILE, readRuleGroups, renderPrometheusRule } from './prometheus-rule.js';

const rendered = renderPrometheusRule(readRuleGroups());
let current = '';
try {
  current = readFileSync(PROMETHEUS_RULE_FILE, 'utf8');
} catch {
  // missing: written (or reported) below
}
if (current !== rendered) {
  if (process.argv.includes('--check')) {
    console.error(`${PROMETHEUS_RULE_FILE} is out of date: run npm run generate -w deploy/prometheus`);
    process.exit(1);
  }
  writeFileSync(PROMETHEUS_RULE_FILE, rendered);
  console.log(`wrote ${PROMETHEUS_RULE_FILE}`);
}
