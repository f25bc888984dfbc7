// What runs inside k6 for every scenario: one request (the runner's very batch body, posted to the
// ingest) and the lag-monitor watcher. Only k6 modules and the plain TypeScript of load/scenarios;
// the options come from k6-options.ts.
import http from 'k6/http';
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { Gauge } from 'k6/metrics';
import { batchBody, ingestPath } from '../scenarios/batch-body.ts';
import type { ScenarioName } from '../scenarios/scenarios.ts';
import type { K6Settings } from './k6-options.ts';

/** Made once per test by k6's setup(): the producer id that tells this run's records apart. */
export function k6Setup(name: ScenarioName): { producerId: string } {
  return { producerId: `k6-${name}-${Date.now().toString(36)}` };
}

// A VU's requests never share a sequence range with another VU's: ranges of 10^7 iterations.
const ITERATIONS_PER_VU = 10_000_000;

/** One request: the batch the runner would send at this point, posted to the ingest. */
export function k6Send(settings: K6Settings, data: { producerId: string }): void {
  const { batchSize } = settings.params.shape;
  const iteration = exec.vu.idInTest * ITERATIONS_PER_VU + exec.vu.iterationInInstance;
  const body = batchBody(data.producerId, iteration * batchSize, settings.params.shape, Date.now());
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (settings.authToken !== undefined) headers.Authorization = `Bearer ${settings.authToken}`;
  const response = http.post(`${settings.baseUrl}${ingestPath(settings.topic)}`, body, { headers, timeout: '10s' });
  check(response, { 'status is 200': (r) => r.status === 200 });
}

const monitorLag = new Gauge('lag_monitor_total_lag');
const monitorReplicas = new Gauge('lag_monitor_current_replicas');
const monitorDesired = new Gauge('lag_monitor_desired_replicas');

interface MonitorStatus {
  groups?: Array<{ totalLag?: number }>;
  scaling?: { current?: number; desired?: number } | null;
}

/** The watcher: lag-monitor's /status once a second, as k6 gauges (highest lag over the groups). */
export function k6Watch(settings: K6Settings): void {
  const response = http.get(`${settings.monitorUrl ?? ''}/status`, { tags: { name: 'lag-monitor status' }, responseType: 'text' });
  if (response.status === 200 && typeof response.body === 'string') {
    const status = JSON.parse(response.body) as MonitorStatus;
    monitorLag.add(Math.max(0, ...(status.groups ?? []).map((group) => group.totalLag ?? 0)));
    if (status.scaling) {
      monitorReplicas.add(status.scaling.current ?? 0);
      monitorDesired.add(status.scaling.desired ?? 0);
    }
  }
  sleep(1);
}
