// What an operator sees of a running monitor, on the real broker (issue: lag-monitor said nothing
// after "started" unless it scaled, then repeated the same decision every cycle; /status and
// /metrics disagreed on current replicas (1 vs 2) and on time to drain (null vs +Inf); a misspelt
// group named with --topics showed as a Dead group with the topic's whole backlog and health OK).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@lagscale/kafka-core';
import { commitAsGroup, TestKafka } from '@lagscale/kafka-core/testing';
import type { StatusDocument } from '../src/export/index.js';
import { findSample, findSamples, parsePrometheusText } from '../test-support/prometheus-text.js';
import { produceCounts } from './collect-helpers.js';
import { startMonitor, type TestMonitor } from './monitor-helpers.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: LogLine[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        lines.push(JSON.parse(pending.slice(0, newline)) as LogLine);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'lag-monitor', level: 'info', destination: stream }) };
}

const INFO = 30;

describe('lag-monitor as an operator sees it: logs, /status and /metrics from one view, unknown groups', () => {
  const t = new TestKafka();
  const log = capturingLogger();
  let monitor: TestMonitor | undefined;
  let topic: string;
  let scaled: string;
  let misspelt: string;

  beforeAll(async () => {
    await t.connect();
    topic = await t.createTopic({ partitions: 4, prefix: 'operator-view' });
    await produceCounts(await t.producer(), topic, [100, 100, 100, 100]);
    // Committed, then nobody consumes: lag 360 that never drains, no members.
    scaled = t.groupId('operator-view');
    await commitAsGroup(t, scaled, { [topic]: [10, 10, 10, 10] });
    misspelt = `${scaled}-typo`;
    monitor = await startMonitor(
      {
        LAG_MONITOR_GROUPS: `${scaled},${misspelt}`,
        LAG_MONITOR_TOPICS: topic,
        LAG_MONITOR_SCALE_GROUP: scaled,
        LAG_MONITOR_SCALE_MODE: 'lag',
        LAG_MONITOR_LAG_PER_REPLICA: '100',
        LAG_MONITOR_MIN_REPLICAS: '1',
        LAG_MONITOR_MAX_REPLICAS: '10',
        // none: decide and export only; the current count is the members (0), so every cycle
        // decides the same scale-up to 4 and nothing changes.
        LAG_MONITOR_ACTUATOR: 'none',
        LAG_MONITOR_SUMMARY_INTERVAL_MS: '1000',
      },
      { logger: log.logger },
    );
    // Several cycles repeating the same decision, and more than one summary interval.
    const first = await monitor.until((c) => c.snapshot.ok && c.scaling !== undefined);
    await monitor.until((c) => c.snapshot.ok && c.snapshot.atMs - first.snapshot.atMs >= 3_500);
  }, 60_000);

  afterAll(async () => {
    await monitor?.service.stop();
    await t.cleanup();
  });

  /** /status and /metrics fetched at once, retried (bounded) until both show the same cycle. */
  async function bothAtOnce(): Promise<{ status: StatusDocument; metrics: ReturnType<typeof parsePrometheusText> }> {
    const url = monitor?.service.url ?? '';
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const [status, text] = await Promise.all([
        fetch(`${url}/status`).then((r) => r.json() as Promise<StatusDocument>),
        fetch(`${url}/metrics`).then((r) => r.text()),
      ]);
      const metrics = parsePrometheusText(text);
      const metricsCycle = findSample(metrics, 'lag_monitor_last_collection_timestamp_seconds')?.value;
      if (status.collection !== null && metricsCycle === status.collection.atMs / 1000) return { status, metrics };
    }
    throw new Error('/status and /metrics never showed the same cycle in 20 tries');
  }

  it('/status and /metrics show the same current and desired replicas and the same time to drain', async () => {
    const { status, metrics } = await bothAtOnce();
    const group = { consumergroup: scaled };
    expect(status.scaling).toMatchObject({ groupId: scaled, actuator: 'none', current: 0, desired: 4 });
    expect(findSample(metrics, 'lag_monitor_current_replicas', group)?.value).toBe(status.scaling?.current);
    expect(findSample(metrics, 'lag_monitor_desired_replicas', group)?.value).toBe(status.scaling?.desired);

    const entry = status.groups.find((g) => g.groupId === scaled)?.topics.find((tp) => tp.topic === topic);
    expect(entry?.totalLag).toBe(360);
    // Lag and nothing consumed: never drains. One spelling in both: "+Inf".
    expect(entry?.timeToDrainSeconds).toBe('+Inf');
    expect(findSample(metrics, 'lag_monitor_time_to_drain_seconds', { consumergroup: scaled, topic })?.value).toBe(Number.POSITIVE_INFINITY);
    for (const p of entry?.partitions ?? []) expect(p.timeToDrainSeconds).toBe('+Inf');
  });

  it('reports a misspelt group named with --topics as unknown, with no backlog, in /status, /metrics and the log', async () => {
    const { status, metrics } = await bothAtOnce();
    const ghost = status.groups.find((g) => g.groupId === misspelt);
    expect(ghost).toMatchObject({ state: 'Unknown', health: 'UNKNOWN', members: 0, totalLag: 0, topics: [] });
    expect(ghost?.errors.map((e) => e.code)).toEqual(['GROUP_NOT_FOUND']);

    expect(findSamples(metrics, 'kafka_consumergroup_lag', { consumergroup: misspelt })).toEqual([]);
    expect(findSamples(metrics, 'kafka_consumergroup_lag_sum', { consumergroup: misspelt })).toEqual([]);
    expect(findSamples(metrics, 'lag_monitor_health', { consumergroup: misspelt })).toEqual([]);
    expect(findSample(metrics, 'lag_monitor_group_state', { consumergroup: misspelt, state: 'Unknown' })?.value).toBe(1);
    expect(findSample(metrics, 'lag_monitor_last_collection_errors', { scope: 'group', consumergroup: misspelt, code: 'GROUP_NOT_FOUND' })?.value).toBe(1);
    // The real group on the same topic keeps its lag.
    expect(findSample(metrics, 'kafka_consumergroup_lag_sum', { consumergroup: scaled, topic })?.value).toBe(360);

    const warnings = log.lines.filter((l) => l.code === 'GROUP_NOT_FOUND' && l.group === misspelt);
    expect(warnings).toHaveLength(1);
    const summaries = log.lines.filter((l) => l.summary === true && l.group === misspelt);
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(summaries[0]).toMatchObject({ state: 'Unknown', health: 'UNKNOWN' });
    expect(summaries[0]?.msg).toContain('unknown to the broker');
  });

  it('logs a summary line per group every interval, and a repeated decision only once', async () => {
    const cycles = monitor?.cycles.filter((c) => c.scaling !== undefined) ?? [];
    const decisions = cycles.map((c) => c.scaling?.decision);
    expect(decisions.length).toBeGreaterThanOrEqual(4);
    for (const d of decisions) expect(d).toMatchObject({ action: 'scale-up', desired: 4 });

    const decisionLines = log.lines.filter((l) => l.level >= INFO && l.group === scaled && l.action !== undefined);
    expect(decisionLines).toHaveLength(1);
    expect(decisionLines[0]).toMatchObject({ action: 'scale-up', from: 0, to: 4 });

    const summaries = log.lines.filter((l) => l.summary === true && l.group === scaled);
    // 1 s apart over at least 3.5 s of cycles: the first cycle's and at least two more.
    expect(summaries.length).toBeGreaterThanOrEqual(3);
    expect(summaries.length).toBeLessThan(cycles.length);
    expect(summaries.at(-1)).toMatchObject({ lag: 360, health: expect.stringMatching(/^(OK|STOP)$/), state: 'Empty', members: 0, replicas: 0, desiredReplicas: 4, timeToDrainSeconds: '+Inf' });
    expect(summaries.at(-1)?.msg).toMatch(/lag 360 on .*replicas 0 \(desired 4\)/);
  });
});
