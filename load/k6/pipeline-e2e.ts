// k6 script of the `pipeline-e2e` scenario (defined in load/scenarios/scenarios.ts, run here by
// `npm run load -- pipeline-e2e`). Drives the whole pipeline's input through the ingest at a constant rate; with LAG_MONITOR_URL set it
// records lag-monitor's view of the lag. Records carry the sequence headers that consumer-worker's
// pass-through outputs keep, so the runner's e2e report can pair outputs with inputs afterwards.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TOPIC=orders -e LAG_MONITOR_URL=http://127.0.0.1:9467 load/k6/pipeline-e2e.ts
import { k6Options, k6Settings } from './k6-options.ts';
import { k6Send, k6Setup, k6Watch } from './k6-scenario.ts';

const settings = k6Settings('pipeline-e2e', __ENV);

export const options = k6Options('pipeline-e2e', settings);

export function setup(): { producerId: string } {
  return k6Setup('pipeline-e2e');
}

export function send(data: { producerId: string }): void {
  k6Send(settings, data);
}

export function watch(): void {
  k6Watch(settings);
}
