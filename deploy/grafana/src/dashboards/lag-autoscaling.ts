import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { datasourceRef, HEALTH_STATES, match, RATE_INTERVAL, UNITS } from '../conventions.js';
import { buildDashboard } from '../dashboard-builder.js';
import { healthTimeline, quantileQueries, stateTimeline, statPanel, tablePanel, timeSeries } from '../panels.js';
import { consumerGroupVariable, datasourceVariable, namespaceVariable, topicVariable } from '../variables.js';

const UP_STATES = [
  { value: 0, text: 'DOWN', color: 'red' },
  { value: 1, text: 'UP', color: 'green' },
] as const;

/**
 * Scaling decisions that changed the replica count, as annotations: one per decision, titled by
 * its action and reason. Holds (most cycles) are left out.
 */
const decisionAnnotations = () =>
  new dashboard.AnnotationQueryBuilder()
    .name('Scaling decisions')
    .datasource(datasourceRef)
    .enable(true)
    .iconColor('purple')
    .expr(`sum by (consumergroup, action, reason) (increase(lag_monitor_scaling_decisions_total{${match.group}, action!="hold"}[$__interval])) > 0`)
    .step('$__interval')
    .titleFormat('{{action}} ({{reason}})')
    .textFormat('group {{consumergroup}}: {{action}}, reason {{reason}}')
    .tagKeys('consumergroup,action,reason')
    .useValueForTime(false);

/**
 * Lag & autoscaling: how far behind each group is (records and seconds), whether it is catching
 * up, its health, and what the scaler asked for and got. Lag panels use the kafka_exporter names,
 * so they also work against a plain kafka_exporter.
 */
export function lagAutoscalingDashboard(): dashboard.Dashboard {
  return buildDashboard({
    uid: 'lagscale-lag-autoscaling',
    title: 'lagscale / Lag & autoscaling',
    description: 'Consumer-group lag per topic and partition, time lag, drain time, rates, Burrow-style health and lag-monitor scaling',
    variables: [datasourceVariable(), namespaceVariable(), consumerGroupVariable(), topicVariable()],
    annotations: [decisionAnnotations()],
    rows: [
      {
        panels: [
          statPanel({
            title: 'Total lag',
            description: 'Records the selected groups have yet to read, summed over their partitions (kafka_consumergroup_lag).',
            unit: UNITS.count,
            queries: [{ expr: `sum(kafka_consumergroup_lag{${match.groupTopic}})`, legend: 'lag' }],
            thresholds: [{ value: null, color: 'green' }, { value: 10_000, color: 'yellow' }, { value: 100_000, color: 'red' }],
          }),
          statPanel({
            title: 'Largest time lag',
            description: 'Age of the oldest record a selected group has yet to read.',
            unit: UNITS.seconds,
            queries: [{ expr: `max(lag_monitor_time_lag_seconds{${match.groupTopic}})`, legend: 'time lag' }],
            thresholds: [{ value: null, color: 'green' }, { value: 60, color: 'yellow' }, { value: 300, color: 'red' }],
          }),
          statPanel({
            title: 'Worst health',
            description: 'Worst Burrow-style verdict over the selected groups and topics: OK, WARN (lag grows while committing), STALL (commits stopped with members), STOP (no members, lag left).',
            unit: UNITS.enumeration,
            queries: [{ expr: `max(lag_monitor_health{${match.groupTopic}})`, legend: 'health' }],
            states: HEALTH_STATES,
          }),
          statPanel({
            title: 'Desired replicas',
            description: 'Replicas the lag-monitor policy asks for (its last decision).',
            unit: UNITS.count,
            queries: [{ expr: `sum(lag_monitor_desired_replicas{${match.group}})`, legend: 'desired' }],
          }),
          statPanel({
            title: 'Current replicas',
            description: 'Replicas the actuator reports running.',
            unit: UNITS.count,
            queries: [{ expr: `sum(lag_monitor_current_replicas{${match.group}})`, legend: 'current' }],
          }),
          statPanel({
            title: 'lag-monitor',
            description: 'UP when the last collection cycle reached the broker (lag_monitor_up); DOWN means every lag series is gone until it recovers.',
            unit: UNITS.enumeration,
            queries: [{ expr: `min(lag_monitor_up{${match.namespace}})`, legend: 'up' }],
            states: UP_STATES,
          }),
        ],
      },
      {
        title: 'Lag',
        panels: [
          timeSeries({
            title: 'Lag per group and topic',
            description: 'Records behind the end of the topic, per group and topic (kafka_consumergroup_lag summed over partitions).',
            unit: UNITS.count,
            min: 0,
            queries: [{ expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag{${match.groupTopic}})`, legend: '{{consumergroup}} / {{topic}}' }],
          }),
          timeSeries({
            title: 'Lag per partition',
            description: 'Records behind per partition, stacked: one partition far above the others points at a hot key or a stuck consumer.',
            unit: UNITS.count,
            stacked: true,
            legendTable: true,
            min: 0,
            queries: [{ expr: `sum by (consumergroup, topic, partition) (kafka_consumergroup_lag{${match.groupTopic}})`, legend: '{{consumergroup}} / {{topic}} [{{partition}}]' }],
          }),
          timeSeries({
            title: 'Time lag',
            description: 'Age of the oldest record each group has yet to read (from the end-offset history): how stale the output is.',
            unit: UNITS.seconds,
            min: 0,
            queries: [{ expr: `max by (consumergroup, topic) (lag_monitor_time_lag_seconds{${match.groupTopic}})`, legend: '{{consumergroup}} / {{topic}}' }],
          }),
          timeSeries({
            title: 'Time to drain',
            description: 'Lag divided by the consumption rate: when the backlog would be gone at the current pace. Capped at one day; the cap means nothing is being consumed.',
            unit: UNITS.seconds,
            min: 0,
            queries: [{ expr: `max by (consumergroup, topic) (clamp_max(lag_monitor_time_to_drain_seconds{${match.groupTopic}}, 86400))`, legend: '{{consumergroup}} / {{topic}}' }],
          }),
          timeSeries({
            title: 'Production vs consumption',
            description: 'Records/s appended to each topic and committed past by each group: consumption under production means the lag grows.',
            unit: UNITS.recordsPerSecond,
            min: 0,
            queries: [
              { expr: `sum by (consumergroup, topic) (lag_monitor_production_rate{${match.groupTopic}})`, legend: 'produced {{topic}} ({{consumergroup}})' },
              { expr: `sum by (consumergroup, topic) (lag_monitor_consumption_rate{${match.groupTopic}})`, legend: 'consumed {{consumergroup}} / {{topic}}' },
            ],
          }),
          healthTimeline({
            title: 'Health',
            description: 'Burrow-style verdict per group and topic over time (the worst of its partitions).',
            unit: UNITS.enumeration,
            queries: [{ expr: `max by (consumergroup, topic) (lag_monitor_health{${match.groupTopic}})`, legend: '{{consumergroup}} / {{topic}}' }],
          }),
        ],
      },
      {
        title: 'Autoscaling',
        panels: [
          timeSeries({
            title: 'Desired vs current replicas',
            description: 'What the policy asks for, what runs, and the partition count no fleet can usefully exceed. Decisions show as annotations.',
            unit: UNITS.count,
            steps: true,
            min: 0,
            queries: [
              { expr: `max by (consumergroup) (lag_monitor_desired_replicas{${match.group}})`, legend: 'desired {{consumergroup}}' },
              { expr: `max by (consumergroup) (lag_monitor_current_replicas{${match.group}})`, legend: 'current {{consumergroup}}' },
              { expr: `max by (consumergroup) (kafka_consumergroup_members{${match.group}})`, legend: 'members {{consumergroup}}' },
              { expr: `max by (topic) (kafka_topic_partitions{${match.topic}})`, legend: 'partitions {{topic}}' },
            ],
          }),
          timeSeries({
            title: 'Scaling decisions by reason',
            description: 'Decisions that changed the replica count, per action and the rule that settled them (max-replicas or partition-cap: the fleet is pinned).',
            unit: UNITS.count,
            bars: true,
            min: 0,
            queries: [{ expr: `sum by (action, reason) (increase(lag_monitor_scaling_decisions_total{${match.group}, action!="hold"}[${RATE_INTERVAL}]))`, legend: '{{action}} ({{reason}})' }],
          }),
          tablePanel({
            title: 'Decisions in the time range',
            description: 'Every decision of the range by group, action and reason, holds included.',
            unit: UNITS.count,
            queries: [{ expr: `sum by (consumergroup, action, reason) (increase(lag_monitor_scaling_decisions_total{${match.group}}[$__range]))`, legend: '' }],
          }),
          stateTimeline({
            title: 'Group state',
            description: "Kafka's state of each group (1 on the current state): rebalancing groups hold the scaler.",
            unit: UNITS.enumeration,
            states: [{ value: 1, text: 'in state', color: 'blue' }],
            queries: [{ expr: `max by (consumergroup, state) (lag_monitor_group_state{${match.group}}) == 1`, legend: '{{consumergroup}} {{state}}' }],
          }),
        ],
      },
      {
        title: 'Collection',
        panels: [
          timeSeries({
            title: 'Collection errors',
            description: 'What lag-monitor could not read, per scope (broker, group, topic) and error code, per second.',
            unit: UNITS.eventsPerSecond,
            min: 0,
            queries: [{ expr: `sum by (scope, code) (rate(lag_monitor_collection_errors_total{${match.namespace}}[${RATE_INTERVAL}]))`, legend: '{{scope}} {{code}}' }],
          }),
          timeSeries({
            title: 'Collection duration',
            description: 'Time one collection cycle takes (all groups, one admin client); it must stay under the interval.',
            unit: UNITS.seconds,
            min: 0,
            queries: quantileQueries('lag_monitor_collection_duration_seconds', match.namespace),
          }),
          tablePanel({
            title: 'Errors of the last cycle',
            description: 'What the last collection could not read, by group and topic (e.g. GROUP_NOT_FOUND, TOPIC_NOT_FOUND).',
            unit: UNITS.count,
            width: 24,
            height: 6,
            queries: [{ expr: `sum by (scope, consumergroup, topic, code) (lag_monitor_last_collection_errors{${match.namespace}})`, legend: '' }],
          }),
        ],
      },
    ],
  });
}
