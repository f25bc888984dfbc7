// /metrics as Prometheus's own parser reads it: the per-partition series are rendered by hand
// (series-text.ts), so promtool (tools/prometheus) checks the whole body of a real exporter fed
// through derive(): label values that need escaping, +Inf, a failed cycle, an unknown group.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '@lagscale/kafka-core';
import { prometheusBinDir } from '../../../tools/prometheus/prometheus-server.js';
import { buildMonitorView } from '../src/export/monitor-view.js';
import { createLagExporter } from '../src/export/lag-exporter.js';
import type { Snapshot } from '../src/model/index.js';
import { deriveAll } from '../test-support/derive-fixtures.js';
import { findSample, parsePrometheusText } from '../test-support/prometheus-text.js';

const T0 = 1_700_000_000_000;
const ODD = 'team "a"\\b\nc';

function snapshot(i: number): Snapshot {
  const atMs = T0 + i * 5_000;
  const orders = [0, 1, 2].map((partition) => ({ partition, start: 0, end: 1_000 + i * 100 }));
  return {
    atMs,
    durationMs: 12,
    ok: true,
    errors: [{ scope: 'group', groupId: 'typo', code: 'GROUP_NOT_FOUND', message: 'group typo is not known to the broker' }],
    topics: [{ topic: 'orders', partitions: orders }],
    groups: [
      { groupId: ODD, state: 'Stable', members: 2, topics: [{ topic: 'orders', partitions: orders.map((p) => ({ ...p, committed: 500 + i * 90 })) }] },
      // lag and nothing consumed: time to drain +Inf
      { groupId: 'idle', state: 'Empty', members: 0, topics: [{ topic: 'orders', partitions: orders.map((p) => ({ ...p, committed: p.partition === 2 ? null : 10 })) }] },
      { groupId: 'typo', state: 'Unknown', members: 0, topics: [{ topic: 'orders', partitions: orders.map((p) => ({ ...p, committed: null })) }] },
    ],
  };
}

let promtool = '';

const KAFKA_EXPORTER_LINT = ['kafka_consumergroup_current_offset_sum', 'kafka_consumergroup_lag_sum'].map((name) => `${name} non-histogram and non-summary metrics should not have "_sum" suffix`);
const lintFindings = (output: string) => output.split('\n').filter((line) => line.trim() !== '').sort();

function check(text: string) {
  const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

async function exposition(snapshots: Snapshot[], last: Snapshot = snapshots.at(-1) as Snapshot): Promise<string> {
  const registry = createRegistry({ app: 'lag-monitor', defaultMetrics: false });
  const exporter = createLagExporter(registry, { defaultLabels: { app: 'lag-monitor' } });
  exporter.update(buildMonitorView({ snapshot: last, views: deriveAll(snapshots).views, decisions: [] }));
  return exporter.text();
}

describe('lag-monitor /metrics through promtool check metrics', () => {
  beforeAll(() => {
    promtool = join(prometheusBinDir(), 'promtool');
  });

  it('parses every series of a busy cycle, escaped label values and +Inf included', async () => {
    const text = await exposition([0, 1, 2, 3].map(snapshot));
    const result = check(text);
    // Exit 1 is a parse error; 3 is lint only. The one lint finding is kafka_exporter's own names
    // (`*_sum` gauges), kept for its dashboards.
    expect(result.output).not.toMatch(/error while linting|parsing error/);
    expect(lintFindings(result.output)).toEqual(KAFKA_EXPORTER_LINT);
    expect(result.code, result.output).toBe(3);
    const samples = parsePrometheusText(text);
    expect(findSample(samples, 'kafka_consumergroup_lag', { consumergroup: ODD, topic: 'orders', partition: '1' })?.value).toBe(1_300 - 770);
    expect(findSample(samples, 'lag_monitor_time_to_drain_seconds', { consumergroup: 'idle', topic: 'orders' })?.value).toBe(Number.POSITIVE_INFINITY);
    expect(findSample(samples, 'kafka_consumergroup_current_offset', { consumergroup: 'idle', topic: 'orders', partition: '2' })).toBeUndefined();
    expect(findSample(samples, 'kafka_consumergroup_lag', { consumergroup: 'typo', topic: 'orders', partition: '0' })).toBeUndefined();
    expect(findSample(samples, 'lag_monitor_group_state', { consumergroup: 'typo', state: 'Unknown' })?.value).toBe(1);
  });

  it('parses the body of a failed cycle (headers only for the broker-derived families)', async () => {
    const failed: Snapshot = { atMs: T0 + 30_000, durationMs: 4_000, ok: false, topics: [], groups: [], errors: [{ scope: 'broker', code: 'BROKER_UNREACHABLE', message: 'ECONNREFUSED' }] };
    const text = await exposition([snapshot(0), snapshot(1)], failed);
    const result = check(text);
    expect(result.code, result.output).toBe(0);
    expect(text).toContain('# TYPE kafka_consumergroup_lag gauge');
    expect(parsePrometheusText(text).filter((s) => s.name === 'kafka_consumergroup_lag')).toEqual([]);
  });

  it('a broken line fails the check (the check is not vacuous)', async () => {
    const text = await exposition([0, 1].map(snapshot));
    const result = check(text.replace('kafka_consumergroup_lag{', 'kafka_consumergroup_lag{"'));
    expect(result.output).toMatch(/parsing error/);
    expect(result.code).toBe(1);
  });
});
