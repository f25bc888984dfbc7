import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { datasourceRef, match, VARIABLES } from './conventions.js';

/** The Prometheus data source to read from (first variable of every dashboard). */
export const datasourceVariable = (): cog.Builder<dashboard.VariableModel> =>
  new dashboard.DatasourceVariableBuilder(VARIABLES.datasource).label('Data source').type('prometheus').regex('');

/** A multi-value label variable with "All" as `.*` (which also matches series without the label). */
function labelVariable(name: string, label: string, query: string, description: string): cog.Builder<dashboard.VariableModel> {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(datasourceRef)
    .query({ query, refId: `${name}-values`, qryType: 1 })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all', selected: true });
}

/** Namespaces that export consumer-group lag (lag-monitor or kafka_exporter). */
export const namespaceVariable = (metric = 'kafka_consumergroup_lag') =>
  labelVariable(VARIABLES.namespace, 'Namespace', `label_values(${metric}, namespace)`, 'Kubernetes namespace (the `namespace` target label)');

export const consumerGroupVariable = () =>
  labelVariable(VARIABLES.consumerGroup, 'Consumer group', `label_values(kafka_consumergroup_lag{${match.namespace}}, consumergroup)`, 'Consumer groups lag is exported for');

export const topicVariable = () =>
  labelVariable(VARIABLES.topic, 'Topic', `label_values(kafka_consumergroup_lag{${match.group}}, topic)`, 'Topics the selected groups read');

export const podVariable = () =>
  labelVariable(VARIABLES.pod, 'Pod', `label_values(consumer_worker_records_consumed_total{${match.namespace}}, pod)`, 'consumer-worker pods (the `pod` target label)');
