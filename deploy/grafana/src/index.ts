import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { lagAutoscalingDashboard } from './dashboards/lag-autoscaling.js';
import { pipelineDashboard } from './dashboards/pipeline.js';
import { workerPoolDashboard } from './dashboards/worker-pool.js';

export { VARIABLES } from './conventions.js';
export { promQueries, type DashboardQuery } from './queries.js';

/** Every dashboard, with the file its JSON is committed to under deploy/grafana/dashboards/. */
export const DASHBOARDS: readonly { file: string; build: () => dashboard.Dashboard }[] = [
  { file: 'lag-autoscaling.json', build: lagAutoscalingDashboard },
  { file: 'pipeline.json', build: pipelineDashboard },
  { file: 'worker-pool.json', build: workerPoolDashboard },
];

/** The committed form of a dashboard: 2-space JSON with a trailing newline. */
export function renderDashboard(model: dashboard.Dashboard): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}
