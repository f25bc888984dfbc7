import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { match, RATE_INTERVAL, UNITS } from '../conventions.js';
import { buildDashboard } from '../dashboard-builder.js';
import { quantileQueries, statPanel, timeSeries } from '../panels.js';
import { consumerGroupVariable, datasourceVariable, namespaceVariable, podVariable, topicVariable } from '../variables.js';

const rate = (metric: string, selector: string) => `rate(${metric}{${selector}}[${RATE_INTERVAL}])`;

/**
 * Pipeline: records in (producer-gen runs and the HTTP ingest gateway), records through
 * (consumer-worker), and what is in between (lag, uncommitted records, paused partitions).
 * consumer-worker series carry no group or topic label: they are selected by namespace and pod.
 */
export function pipelineDashboard(): dashboard.Dashboard {
  return buildDashboard({
    uid: 'lagscale-pipeline',
    title: 'lagscale / Pipeline',
    description: 'Producer and ingest rates and latency, consumer throughput, failures and end-to-end latency, backpressure',
    variables: [datasourceVariable(), namespaceVariable(), consumerGroupVariable(), topicVariable(), podVariable()],
    rows: [
      {
        panels: [
          statPanel({
            title: 'Produced',
            description: 'Records/s Kafka acknowledged to producer-gen runs and to the ingest gateway on the selected topics.',
            unit: UNITS.recordsPerSecond,
            width: 6,
            queries: [
              { expr: `sum(${rate('producer_gen_records_acked_total', match.topic)})`, legend: 'producer-gen' },
              { expr: `sum(${rate('producer_gen_ingest_records_total', match.topic)})`, legend: 'ingest' },
            ],
          }),
          statPanel({
            title: 'Processed',
            description: 'Records/s consumer-worker pods completed (outputs acknowledged, offsets committable).',
            unit: UNITS.recordsPerSecond,
            width: 6,
            queries: [{ expr: `sum(${rate('consumer_worker_records_processed_total', match.consumer)})`, legend: 'processed' }],
          }),
          statPanel({
            title: 'Lag',
            description: 'Records the selected groups have yet to read (kafka_consumergroup_lag).',
            unit: UNITS.count,
            width: 6,
            queries: [{ expr: `sum(kafka_consumergroup_lag{${match.groupTopic}})`, legend: 'lag' }],
            thresholds: [{ value: null, color: 'green' }, { value: 10_000, color: 'yellow' }, { value: 100_000, color: 'red' }],
          }),
          statPanel({
            title: 'Dead-lettered',
            description: 'Records sent to the dead-letter topic in the time range.',
            unit: UNITS.count,
            width: 6,
            queries: [{ expr: `sum(increase(consumer_worker_records_dead_lettered_total{${match.consumer}}[$__range]))`, legend: 'dead-lettered' }],
            thresholds: [{ value: null, color: 'green' }, { value: 1, color: 'red' }],
          }),
        ],
      },
      {
        title: 'Producers',
        panels: [
          timeSeries({
            title: 'producer-gen rate',
            description: 'Records/s the rate profile asks for, sent, acknowledged and failed, per topic.',
            unit: UNITS.recordsPerSecond,
            min: 0,
            queries: [
              { expr: `sum by (topic) (producer_gen_target_rate_records_per_second{${match.topic}})`, legend: 'target {{topic}}' },
              { expr: `sum by (topic) (${rate('producer_gen_records_sent_total', match.topic)})`, legend: 'sent {{topic}}' },
              { expr: `sum by (topic) (${rate('producer_gen_records_acked_total', match.topic)})`, legend: 'acked {{topic}}' },
              { expr: `sum by (topic) (${rate('producer_gen_records_failed_total', match.topic)})`, legend: 'failed {{topic}}' },
            ],
          }),
          timeSeries({
            title: 'Produce latency',
            description: 'Time from a record being generated to Kafka acknowledging it (batching, linger and the round trip).',
            unit: UNITS.seconds,
            min: 0,
            queries: quantileQueries('producer_gen_produce_latency_seconds', match.topic),
          }),
          timeSeries({
            title: 'producer-gen in flight',
            description: 'Records sent and not yet acknowledged, per topic.',
            unit: UNITS.count,
            width: 6,
            min: 0,
            queries: [{ expr: `sum by (topic) (producer_gen_in_flight_records{${match.topic}})`, legend: '{{topic}}' }],
          }),
          timeSeries({
            title: 'producer-gen bytes',
            description: 'Encoded value bytes handed to Kafka per second, per topic.',
            unit: UNITS.bytesPerSecond,
            width: 6,
            min: 0,
            queries: [{ expr: `sum by (topic) (${rate('producer_gen_bytes_sent_total', match.topic)})`, legend: '{{topic}}' }],
          }),
          timeSeries({
            title: 'Ingest rate',
            description: 'Records/s the HTTP ingest gateway stored (acknowledged by Kafka and confirmed to the client), per topic.',
            unit: UNITS.recordsPerSecond,
            min: 0,
            queries: [{ expr: `sum by (topic) (${rate('producer_gen_ingest_records_total', match.topic)})`, legend: '{{topic}}' }],
          }),
          timeSeries({
            title: 'Ingest requests',
            description: 'Ingest HTTP requests per second, per status code.',
            unit: UNITS.requestsPerSecond,
            width: 8,
            min: 0,
            queries: [{ expr: `sum by (status) (${rate('producer_gen_ingest_requests_total', match.namespace)})`, legend: 'HTTP {{status}}' }],
          }),
          timeSeries({
            title: 'Ingest 4xx / 5xx',
            description: 'Ingest requests answered with an error, per HTTP status and per error code (400 shape, 401 token, 404 topic, 413 limits, 503 Kafka down).',
            unit: UNITS.requestsPerSecond,
            width: 8,
            min: 0,
            queries: [
              { expr: `sum by (status) (rate(producer_gen_ingest_requests_total{${match.namespace}, status=~"4..|5.."}[${RATE_INTERVAL}]))`, legend: 'HTTP {{status}}' },
              { expr: `sum by (code) (${rate('producer_gen_ingest_rejected_total', match.namespace)})`, legend: '{{code}}' },
            ],
          }),
          timeSeries({
            title: 'Ingest latency',
            description: 'Ingest request latency, first byte to response sent (includes waiting for Kafka acks).',
            unit: UNITS.seconds,
            width: 8,
            min: 0,
            queries: quantileQueries('producer_gen_ingest_request_latency_seconds', match.namespace),
          }),
        ],
      },
      {
        title: 'Consumers',
        panels: [
          timeSeries({
            title: 'Consumer throughput',
            description: 'Records/s fetched, processed and output records produced, over the selected pods.',
            unit: UNITS.recordsPerSecond,
            min: 0,
            queries: [
              { expr: `sum(${rate('consumer_worker_records_consumed_total', match.consumer)})`, legend: 'consumed' },
              { expr: `sum(${rate('consumer_worker_records_processed_total', match.consumer)})`, legend: 'processed' },
              { expr: `sum(${rate('consumer_worker_output_records_total', match.consumer)})`, legend: 'outputs' },
            ],
          }),
          timeSeries({
            title: 'Failures, retries, dead letters',
            description: 'Failed handler attempts, retries and records sent to the dead-letter topic, per second.',
            unit: UNITS.recordsPerSecond,
            min: 0,
            queries: [
              { expr: `sum(${rate('consumer_worker_records_failed_total', match.consumer)})`, legend: 'failed' },
              { expr: `sum(${rate('consumer_worker_records_retried_total', match.consumer)})`, legend: 'retried' },
              { expr: `sum(${rate('consumer_worker_records_dead_lettered_total', match.consumer)})`, legend: 'dead-lettered' },
            ],
          }),
          timeSeries({
            title: 'End-to-end latency',
            description: 'Time from fetch to done per record, retries and output produce included.',
            unit: UNITS.seconds,
            min: 0,
            queries: quantileQueries('consumer_worker_end_to_end_latency_seconds', match.consumer),
          }),
          timeSeries({
            title: 'Production vs consumption (lag-monitor)',
            description: 'Records/s appended to the topics and committed past by the selected groups.',
            unit: UNITS.recordsPerSecond,
            min: 0,
            queries: [
              { expr: `sum by (topic) (lag_monitor_production_rate{${match.groupTopic}})`, legend: 'produced {{topic}}' },
              { expr: `sum by (consumergroup) (lag_monitor_consumption_rate{${match.groupTopic}})`, legend: 'consumed {{consumergroup}}' },
            ],
          }),
        ],
      },
      {
        title: 'Backpressure',
        panels: [
          timeSeries({
            title: 'Uncommitted records per pod',
            description: 'Fetched records not yet committable (the bounded window a crash would redeliver), per pod.',
            unit: UNITS.count,
            min: 0,
            queries: [{ expr: `sum by (pod) (consumer_worker_uncommitted_records{${match.consumer}})`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Uncommitted bytes per pod',
            description: 'Key and value bytes of the uncommitted records, per pod.',
            unit: UNITS.bytes,
            min: 0,
            queries: [{ expr: `sum by (pod) (consumer_worker_uncommitted_bytes{${match.consumer}})`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Paused partitions',
            description: 'Partitions paused by backpressure, and partitions owned, per pod.',
            unit: UNITS.count,
            steps: true,
            min: 0,
            queries: [
              { expr: `sum by (pod) (consumer_worker_paused_partitions{${match.consumer}})`, legend: 'paused {{pod}}' },
              { expr: `sum by (pod) (consumer_worker_assigned_partitions{${match.consumer}})`, legend: 'assigned {{pod}}' },
            ],
          }),
          timeSeries({
            title: 'Commit lag per pod',
            description: 'Records fetched but not yet committed, per pod (what a rebalance or crash would hand to another member).',
            unit: UNITS.count,
            min: 0,
            queries: [{ expr: `sum by (pod) (consumer_worker_commit_lag_records{${match.consumer}})`, legend: '{{pod}}' }],
          }),
        ],
      },
    ],
  });
}
