// The dashboards and rules against the real thing: a real Prometheus (our own process, free port,
// temp storage) scrapes the three apps during a short real pipeline on the embedded broker
// (producer-gen run and HTTP ingest, consumer-worker, lag-monitor with scaling in `none` mode),
// then every panel query of every dashboard (variables set to values read through the variables'
// own queries) and every recording and alert expression is evaluated through the HTTP API: each
// is valid, each panel query returns series, and every metric name they use is one the running
// apps expose on /metrics.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceSequenced, TestKafka, testBrokers, waitFor } from '@lagscale/kafka-core/testing';
import { DASHBOARDS, promQueries, VARIABLES, type DashboardQuery } from '@lagscale/grafana-dashboards';
import { findFreePorts } from '../../../tools/kafka/embedded-broker.js';
import { startPrometheus, type PrometheusServer } from '../../../tools/prometheus/prometheus-server.js';
import { exposedNames, metricNamesIn, parseLabelValues } from '../../../tools/prometheus/promql-names.js';
import { readRuleGroups, RULES_FILE } from '../scripts/prometheus-rule.js';
import { startApp, type AppProcess } from './app-process.js';

const NAMESPACE = 'lagscale-test';
const PARTITIONS = 4;
const BACKLOG = 20_000;
/** Grafana's interval variables at this test's 1 s scrape interval. */
const GRAFANA_INTERVALS = { $__rate_interval: '5s', $__interval: '2s', $__range: '2m' } as const;

const dashboards = DASHBOARDS.map(({ file }) => JSON.parse(readFileSync(new URL(`../../grafana/dashboards/${file}`, import.meta.url), 'utf8')) as unknown);
const queries: DashboardQuery[] = dashboards.flatMap((d) => promQueries(d));
const rules = readRuleGroups().flatMap((g) => g.rules);
const recorded = new Set(rules.flatMap((r) => (r.record === undefined ? [] : [r.record])));

/** A value as Grafana puts it into a `=~` matcher: regex metacharacters escaped, inside a PromQL string. */
const promRegexValue = (value: string) => value.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&');

function substitute(expr: string, variables: Record<string, string>): string {
  let out = expr;
  for (const [name, value] of Object.entries(GRAFANA_INTERVALS)) out = out.split(name).join(value);
  for (const [name, value] of Object.entries(variables)) out = out.replace(new RegExp(`\\$${name}\\b`, 'g'), value);
  return out;
}

describe('dashboards and rules on a real Prometheus scraping the running apps', () => {
  const t = new TestKafka();
  const apps: AppProcess[] = [];
  let prometheus: PrometheusServer | undefined;
  let topic = '';
  let groupId = '';
  let ingestUrl = '';
  const selected: Record<string, string> = {};

  beforeAll(async () => {
    topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'observe' });
    t.adopt(`${topic}.out`, `${topic}.dlq`);
    groupId = t.groupId('observe');
    // A backlog before the consumer starts, so lag-monitor sees lag and decides to scale up.
    await produceSequenced(t, topic, BACKLOG, 500, 'observe-backlog');

    const brokers = testBrokers().join(',');
    const [runPort, ingestPort, workerPort, monitorPort] = (await findFreePorts(4)) as [number, number, number, number];
    const kafkaEnv = { KAFKA_BROKERS: brokers };
    const started = await Promise.all([
      startApp('lag-monitor', 'apps/lag-monitor/src/cli/main.ts', [], {
        ...kafkaEnv,
        LAG_MONITOR_GROUPS: groupId,
        // A topic that does not exist: its TOPIC_NOT_FOUND feeds the collection-error panels.
        LAG_MONITOR_TOPICS: `${topic},${topic}-missing`,
        LAG_MONITOR_SCALE_GROUP: groupId,
        LAG_MONITOR_SCALE_MODE: 'lag',
        LAG_MONITOR_LAG_PER_REPLICA: '500',
        LAG_MONITOR_MAX_REPLICAS: String(PARTITIONS),
        LAG_MONITOR_ACTUATOR: 'none',
        LAG_MONITOR_INTERVAL_MS: '1000',
        LAG_MONITOR_WINDOW_MS: '5000',
        LAG_MONITOR_METRICS_PORT: String(monitorPort),
      }, monitorPort),
      startApp('consumer-worker', 'apps/consumer-worker/src/cli/main.ts', [], {
        ...kafkaEnv,
        CONSUMER_TOPIC: topic,
        CONSUMER_GROUP_ID: groupId,
        CONSUMER_OUTPUT_TOPIC: `${topic}.out`,
        // About 3,000 records/s on one thread: the backlog lasts several collection cycles.
        CONSUMER_HANDLER: 'cpu',
        CONSUMER_HANDLER_OPTIONS: 'costUs=300',
        CONSUMER_THREADS: '1',
        CONSUMER_COMMIT_INTERVAL_MS: '500',
        CONSUMER_PROGRESS_INTERVAL_MS: '0',
        CONSUMER_METRICS_PORT: String(workerPort),
      }, workerPort),
      startApp('producer-gen run', 'apps/producer-gen/src/cli/main.ts', ['run', '--topic', topic, '--rate', '200', '--duration', '120s', '--metrics-port', String(runPort)], kafkaEnv, runPort),
      startApp('producer-gen serve', 'apps/producer-gen/src/cli/main.ts', ['serve', '--port', String(ingestPort)], kafkaEnv, ingestPort),
    ]);
    apps.push(...started);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;

    const target = (port: number, pod: string) => ({ address: `127.0.0.1:${port}`, labels: { namespace: NAMESPACE, pod } });
    prometheus = await startPrometheus({
      ruleFiles: [RULES_FILE],
      jobs: [
        { job: 'lag-monitor', targets: [target(monitorPort, 'lag-monitor-0')] },
        { job: 'consumer-worker', targets: [target(workerPort, 'consumer-worker-0')] },
        { job: 'producer-gen', targets: [target(runPort, 'producer-gen-run-0'), target(ingestPort, 'producer-gen-ingest-0')] },
      ],
    });

    // Ingest traffic: accepted batches, and requests answered 404 and 400.
    const post = (path: string, body: string) => fetch(`${ingestUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (let i = 0; i < 5; i++) {
      const ok = await post(`/v1/topics/${topic}/records`, JSON.stringify({ records: [{ key: `k${i}`, value: { n: i } }] }));
      expect(ok.status).toBe(200);
    }
    expect((await post(`/v1/topics/${topic}-missing/records`, JSON.stringify({ records: [{ value: 1 }] }))).status).toBe(404);
    expect((await post(`/v1/topics/${topic}/records`, '{"records": "not a list"}')).status).toBe(400);

    // Conditions, not sleeps: every target scraped, the consumer joined and a scale-up decided,
    // and enough samples of everything for 5 s rate windows.
    const p = prometheus;
    await waitFor(async () => (await p.targets()).every((x) => x.health === 'up') && (await p.targets()).length === 4, { timeoutMs: 30_000, description: 'all four targets up' });
    await waitFor(async () => (await p.query(`lag_monitor_scaling_decisions_total{action="scale-up", consumergroup="${groupId}"}`)).length > 0, { timeoutMs: 60_000, description: 'a scale-up decision of the group' });
    await waitFor(async () => (await p.query('count_over_time(consumer_worker_records_processed_total[10s]) >= 8')).length > 0, { timeoutMs: 30_000, description: '8 s of consumer samples' });
    await waitFor(async () => (await p.rules()).every((r) => r.lastEvaluation > '2000'), { timeoutMs: 30_000, description: 'every rule evaluated once' });

    // The variables as a user would pick them: the values their own queries offer for this run.
    selected[VARIABLES.namespace] = promRegexValue(NAMESPACE);
    selected[VARIABLES.consumerGroup] = promRegexValue(groupId);
    selected[VARIABLES.topic] = promRegexValue(topic);
    selected[VARIABLES.pod] = promRegexValue('consumer-worker-0');
  }, 150_000);

  afterAll(async () => {
    await Promise.allSettled(apps.map((a) => a.stop()));
    await prometheus?.stop();
    await t.cleanup();
  });

  it('every variable query offers this run’s namespace, group, topic and pod', async () => {
    const expected: Record<string, string> = { [VARIABLES.namespace]: NAMESPACE, [VARIABLES.consumerGroup]: groupId, [VARIABLES.topic]: topic, [VARIABLES.pod]: 'consumer-worker-0' };
    const variableQueries = queries.filter((q) => q.kind === 'variable');
    expect(variableQueries.length).toBe(11);
    for (const q of variableQueries) {
      const parsed = parseLabelValues(q.expr);
      expect(parsed, `${q.dashboard} ${q.where}: ${q.expr}`).toBeDefined();
      const values = await prometheus!.labelValues(parsed!.label, substitute(parsed!.selector, selected));
      expect(values, `${q.dashboard} ${q.where}`).toContain(expected[q.where.replace('variable ', '')]);
    }
  });

  it('every panel query is valid and returns at least one series', async () => {
    const p = prometheus!;
    const endS = Date.now() / 1000;
    const failures: string[] = [];
    const panelQueries = queries.filter((q) => q.kind !== 'variable');
    expect(panelQueries.length).toBeGreaterThan(50);
    for (const q of panelQueries) {
      const expr = substitute(q.expr, selected);
      try {
        const series = q.instant ? await p.query(expr, endS) : await p.queryRange(expr, endS - 30, endS, 1);
        if (series.length === 0) failures.push(`${q.dashboard} ${q.where}: no series for ${expr}`);
      } catch (err) {
        failures.push(`${q.dashboard} ${q.where}: ${err instanceof Error ? err.message : String(err)} in ${expr}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every recording and alert expression is valid, and Prometheus evaluates every rule without error', async () => {
    const p = prometheus!;
    for (const rule of rules) {
      await expect(p.query(rule.expr), rule.record ?? rule.alert).resolves.toBeDefined();
    }
    const loaded = await p.rules();
    expect(loaded.map((r) => r.name).sort()).toEqual(rules.map((r) => r.record ?? r.alert).sort());
    for (const r of loaded) expect({ rule: r.name, health: r.health, error: r.lastError ?? '' }).toEqual({ rule: r.name, health: 'ok', error: '' });
    // the recorded series exist for this run (the dashboards' sums, precomputed)
    const lagSum = await p.query(`namespace_consumergroup_topic:kafka_consumergroup_lag:sum{consumergroup="${groupId}"}`);
    expect(lagSum.map((s) => s.metric)).toEqual([{ __name__: 'namespace_consumergroup_topic:kafka_consumergroup_lag:sum', namespace: NAMESPACE, consumergroup: groupId, topic }]);
  });

  it('every metric a dashboard or rule uses is exposed by the running apps', async () => {
    const exposed = new Set<string>();
    for (const app of apps) for (const name of exposedNames(await (await fetch(`${app.url}/metrics`)).text())) exposed.add(name);
    const uses = [
      ...queries.map((q) => ({ where: `${q.dashboard} ${q.where}`, expr: parseLabelValues(q.expr)?.selector ?? q.expr })),
      ...rules.map((r) => ({ where: `rule ${r.record ?? r.alert}`, expr: r.expr })),
    ];
    const missing: string[] = [];
    for (const use of uses) {
      const names = metricNamesIn(use.expr);
      expect(names.length, `${use.where}: no metric found in ${use.expr}`).toBeGreaterThan(0);
      for (const name of names) {
        if (recorded.has(name) || exposed.has(name)) continue;
        missing.push(`${name} (${use.where})`);
      }
    }
    expect(missing, 'metrics no running app exports').toEqual([]);
  });
});
