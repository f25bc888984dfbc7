import { loadKafkaConfig, silentLogger, type Logger } from '@lagscale/kafka-core';
import { testBrokers } from '@lagscale/kafka-core/testing';
import { loadMonitorSettings } from '../src/config/monitor-config.js';
import { parsePrometheusText, type PrometheusSample } from '../test-support/prometheus-text.js';
import type { Actuator } from '../src/model/index.js';
import { createMonitorService, type CycleResult, type MonitorService } from '../src/runtime/monitor-service.js';

/** Settings of a fast monitor for tests: 250 ms cycles, a 2 s window, any free port. */
export const fastMonitorEnv = {
  LAG_MONITOR_INTERVAL_MS: '250',
  LAG_MONITOR_WINDOW_MS: '2000',
  LAG_MONITOR_HISTORY_MS: '60000',
  LAG_MONITOR_COLLECT_TIMEOUT_MS: '3000',
  LAG_MONITOR_METRICS_PORT: '0',
} as const;

export interface TestMonitor {
  service: MonitorService;
  cycles: CycleResult[];
  /** Resolves with the first cycle (from now on) that satisfies `predicate`. */
  until(predicate: (cycle: CycleResult) => boolean, timeoutMs?: number): Promise<CycleResult>;
}

/** A monitor service in this process against the test cluster; stopped by `stop()`. */
export async function startMonitor(env: Record<string, string>, options: { brokers?: string[]; actuator?: Actuator; logger?: Logger } = {}): Promise<TestMonitor> {
  const brokers = options.brokers ?? testBrokers();
  const kafkaConfig = loadKafkaConfig({ KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT_ID: 'lag-monitor-test', KAFKA_RETRIES: '1', KAFKA_CONNECTION_TIMEOUT_MS: '1000' });
  const settings = loadMonitorSettings({ ...fastMonitorEnv, ...env });
  const cycles: CycleResult[] = [];
  const waiters = new Set<{ predicate: (c: CycleResult) => boolean; resolve: (c: CycleResult) => void }>();
  const service = createMonitorService({
    kafkaConfig,
    settings,
    logger: options.logger ?? silentLogger(),
    ...(options.actuator === undefined ? {} : { actuator: options.actuator }),
    onCycle: (cycle) => {
      cycles.push(cycle);
      for (const waiter of waiters) {
        if (waiter.predicate(cycle)) {
          waiters.delete(waiter);
          waiter.resolve(cycle);
        }
      }
    },
  });
  await service.start();
  return {
    service,
    cycles,
    until(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (c: CycleResult) => { clearTimeout(timer); resolve(c); } };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const last = cycles.at(-1);
          reject(new Error(`no cycle matched within ${timeoutMs} ms; last cycle: ${JSON.stringify(last?.views.map((v) => ({ group: v.groupId, topic: v.topic, lag: v.totalLag, health: v.health, parts: v.partitions.map((p) => `${p.partition}:${p.lag}:${p.health}`) })) ?? [])} errors ${JSON.stringify(last?.snapshot.errors ?? [])}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}

/** The samples of a monitor's /metrics: read them with findSample/findSamples. */
export async function scrape(url: string): Promise<PrometheusSample[]> {
  const response = await fetch(`${url}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics: ${response.status}`);
  return parsePrometheusText(await response.text());
}
