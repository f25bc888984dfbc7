// k6 script of the `ingest-constant` scenario (defined in load/scenarios/scenarios.ts, run here by
// `npm run load -- ingest-constant`). Constant arrival rate of batches against producer-gen's HTTP ingest.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TOPIC=events -e RATE=300 -e DURATION=30s load/k6/ingest-constant.ts
import { k6Options, k6Settings } from './k6-options.ts';
import { k6Send, k6Setup, k6Watch } from './k6-scenario.ts';

const settings = k6Settings('ingest-constant', __ENV);

export const options = k6Options('ingest-constant', settings);

export function setup(): { producerId: string } {
  return k6Setup('ingest-constant');
}

export function send(data: { producerId: string }): void {
  k6Send(settings, data);
}

export function watch(): void {
  k6Watch(settings);
}
