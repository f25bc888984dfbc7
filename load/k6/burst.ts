// k6 script of the `burst` scenario (defined in load/scenarios/scenarios.ts, run here by
// `npm run load -- burst`). Base rate, a spike (PEAK_RATE for SPIKE), base again: with LAG_MONITOR_URL set it records the lag
// and the replicas lag-monitor runs, as k6 gauges, to see the fleet scale and drain.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TOPIC=orders -e LAG_MONITOR_URL=http://127.0.0.1:9467 load/k6/burst.ts
import { k6Options, k6Settings } from './k6-options.ts';
import { k6Send, k6Setup, k6Watch } from './k6-scenario.ts';

const settings = k6Settings('burst', __ENV);

export const options = k6Options('burst', settings);

export function setup(): { producerId: string } {
  return k6Setup('burst');
}

export function send(data: { producerId: string }): void {
  k6Send(settings, data);
}

export function watch(): void {
  k6Watch(settings);
}
