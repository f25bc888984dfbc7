// k6 script of the `ingest-find-max` scenario (defined in load/scenarios/scenarios.ts, run here by
// `npm run load -- ingest-find-max`). Steps the arrival rate (RATE, +STEP_RATE every DURATION, up to MAX_RATE) and aborts at the first
// step that breaks a threshold: the step before it is the highest rate that held.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TOPIC=events load/k6/ingest-find-max.ts
import { k6Options, k6Settings } from './k6-options.ts';
import { k6Send, k6Setup, k6Watch } from './k6-scenario.ts';

const settings = k6Settings('ingest-find-max', __ENV);

export const options = k6Options('ingest-find-max', settings);

export function setup(): { producerId: string } {
  return k6Setup('ingest-find-max');
}

export function send(data: { producerId: string }): void {
  k6Send(settings, data);
}

export function watch(): void {
  k6Watch(settings);
}
