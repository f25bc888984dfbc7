import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { match, RATE_INTERVAL, UNITS } from '../conventions.js';
import { buildDashboard } from '../dashboard-builder.js';
import { quantileQueries, statPanel, timeSeries } from '../panels.js';
import { consumerGroupVariable, datasourceVariable, namespaceVariable, podVariable, topicVariable } from '../variables.js';

const rate = (metric: string) => `rate(${metric}{${match.consumer}}[${RATE_INTERVAL}])`;

/**
 * Worker pool: how busy each consumer-worker pod's piscina threads are, how long chunks wait for
 * a thread, handler time per record and thread crashes; the selected group's lag and members on
 * top, to tell "too few pods" from "pods too slow".
 */
export function workerPoolDashboard(): dashboard.Dashboard {
  return buildDashboard({
    uid: 'lagscale-worker-pool',
    title: 'lagscale / Worker pool',
    description: 'consumer-worker thread pools per pod: utilisation, queue wait, handler latency, thread crashes',
    variables: [datasourceVariable(), namespaceVariable(), consumerGroupVariable(), topicVariable(), podVariable()],
    rows: [
      {
        panels: [
          statPanel({
            title: 'Group lag',
            description: 'Records the selected groups have yet to read.',
            unit: UNITS.count,
            width: 6,
            queries: [{ expr: `sum(kafka_consumergroup_lag{${match.groupTopic}})`, legend: 'lag' }],
          }),
          statPanel({
            title: 'Group consumption',
            description: 'Records/s the selected groups commit past (lag-monitor).',
            unit: UNITS.recordsPerSecond,
            width: 6,
            queries: [{ expr: `sum(lag_monitor_consumption_rate{${match.groupTopic}})`, legend: 'consumed' }],
          }),
          statPanel({
            title: 'Group members',
            description: 'Members of the selected groups: the consumer-worker replicas that joined.',
            unit: UNITS.count,
            width: 6,
            queries: [{ expr: `sum(kafka_consumergroup_members{${match.group}})`, legend: 'members' }],
          }),
          statPanel({
            title: 'Busy threads',
            description: 'Worker threads busy on average over the selected pods (thread-seconds per second).',
            unit: UNITS.count,
            width: 6,
            queries: [{ expr: `sum(${rate('consumer_worker_pool_busy_seconds_total')})`, legend: 'busy threads' }],
          }),
        ],
      },
      {
        title: 'Utilisation',
        panels: [
          timeSeries({
            title: 'Busy threads per pod',
            description: 'Thread-seconds spent running chunks per second: 2.0 on a 2-thread pod means it is saturated; add pods (or threads) when every pod sits at its thread count.',
            unit: UNITS.count,
            min: 0,
            queries: [{ expr: `sum by (pod) (${rate('consumer_worker_pool_busy_seconds_total')})`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Pool utilisation per pod',
            description: 'Busy threads ÷ live threads: 100% means every thread of the pod runs chunks all the time.',
            unit: UNITS.ratio,
            min: 0,
            queries: [{ expr: `sum by (pod) (${rate('consumer_worker_pool_busy_seconds_total')}) / sum by (pod) (consumer_worker_pool_threads{${match.consumer}})`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Pool utilisation per pod (since start)',
            description: "Share of the threads' time spent running chunks since the pod started.",
            unit: UNITS.ratio,
            min: 0,
            queries: [{ expr: `max by (pod) (consumer_worker_pool_utilization_ratio{${match.consumer}})`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Queue wait per pod',
            description: 'Mean time a chunk waited for a free thread: above zero, the pool is the bottleneck.',
            unit: UNITS.seconds,
            min: 0,
            queries: [{ expr: `max by (pod) (consumer_worker_pool_queue_wait_seconds_mean{${match.consumer}})`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Queued chunks per pod',
            description: 'Chunks of records waiting for a worker thread.',
            unit: UNITS.count,
            min: 0,
            queries: [{ expr: `sum by (pod) (consumer_worker_pool_queued_chunks{${match.consumer}})`, legend: '{{pod}}' }],
          }),
        ],
      },
      {
        title: 'Handler',
        panels: [
          timeSeries({
            title: 'Processing latency',
            description: 'Handler time per record measured in the worker thread, over the selected pods (one handler per deployment).',
            unit: UNITS.seconds,
            min: 0,
            queries: quantileQueries('consumer_worker_processing_latency_seconds', match.consumer),
          }),
          timeSeries({
            title: 'Processing latency p99 per handler',
            description: 'p99 handler time per record, by the handler the pods run (one per deployment; several when deployments share a namespace).',
            unit: UNITS.seconds,
            min: 0,
            queries: [{ expr: `histogram_quantile(0.99, sum by (handler, le) (${rate('consumer_worker_processing_latency_seconds_bucket')}))`, legend: '{{handler}}' }],
          }),
          timeSeries({
            title: 'Processing latency p99 per pod',
            description: 'p99 handler time per pod: one pod far above the rest points at its node or a hot key.',
            unit: UNITS.seconds,
            min: 0,
            queries: [{ expr: `histogram_quantile(0.99, sum by (pod, le) (${rate('consumer_worker_processing_latency_seconds_bucket')}))`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Processed per pod',
            description: 'Records/s each pod completes.',
            unit: UNITS.recordsPerSecond,
            min: 0,
            queries: [{ expr: `sum by (pod) (${rate('consumer_worker_records_processed_total')})`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Worker thread crashes',
            description: 'Chunks whose worker thread died (the pool restarts the thread and re-runs the chunk; a record that keeps killing threads is dead-lettered).',
            unit: UNITS.count,
            bars: true,
            min: 0,
            queries: [{ expr: `sum by (pod) (increase(consumer_worker_chunk_crashes_total{${match.consumer}}[${RATE_INTERVAL}]))`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Thread restarts',
            description: 'Worker threads started to replace one that died, per pod.',
            unit: UNITS.count,
            bars: true,
            min: 0,
            queries: [{ expr: `sum by (pod) (increase(consumer_worker_pool_thread_restarts_total{${match.consumer}}[${RATE_INTERVAL}]))`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Live threads per pod',
            description: 'Worker threads alive in each pod (a crashed thread is replaced).',
            unit: UNITS.count,
            min: 0,
            queries: [{ expr: `sum by (pod) (consumer_worker_pool_threads{${match.consumer}})`, legend: '{{pod}}' }],
          }),
        ],
      },
      {
        title: 'Process',
        panels: [
          timeSeries({
            title: 'CPU per pod',
            description: 'CPU cores used by each consumer-worker process (main thread and worker threads).',
            unit: UNITS.count,
            min: 0,
            queries: [{ expr: `sum by (pod) (rate(process_cpu_seconds_total{app="consumer-worker", ${match.consumer}}[${RATE_INTERVAL}]))`, legend: '{{pod}}' }],
          }),
          timeSeries({
            title: 'Event loop lag p99 per pod',
            description: "The main thread's event loop delay: high values slow fetching, heartbeats and commits.",
            unit: UNITS.seconds,
            min: 0,
            queries: [{ expr: `max by (pod) (nodejs_eventloop_lag_p99_seconds{app="consumer-worker", ${match.consumer}})`, legend: '{{pod}}' }],
          }),
        ],
      },
    ],
  });
}
