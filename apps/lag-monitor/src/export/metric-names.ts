/**
 * Every series lag-monitor exports; names live here and nowhere else.
 *
 * The `kafka_*` names, their label names and their gauge type are those of danielqsj/kafka_exporter,
 * so dashboards and alerts written for it work unchanged. The registry adds its default `app`
 * label, which kafka_exporter queries ignore. Rates are records per second (HELP says so);
 * times are seconds and say so in the name.
 */
export const METRIC_NAMES = {
  // kafka_exporter compatible
  consumerGroupLag: 'kafka_consumergroup_lag',
  consumerGroupLagSum: 'kafka_consumergroup_lag_sum',
  consumerGroupCurrentOffset: 'kafka_consumergroup_current_offset',
  consumerGroupCurrentOffsetSum: 'kafka_consumergroup_current_offset_sum',
  consumerGroupMembers: 'kafka_consumergroup_members',
  topicPartitions: 'kafka_topic_partitions',
  topicPartitionCurrentOffset: 'kafka_topic_partition_current_offset',
  topicPartitionOldestOffset: 'kafka_topic_partition_oldest_offset',

  // collection
  up: 'lag_monitor_up',
  collectionDuration: 'lag_monitor_collection_duration_seconds',
  collectionErrors: 'lag_monitor_collection_errors_total',
  lastCollectionErrors: 'lag_monitor_last_collection_errors',
  lastCollectionTimestamp: 'lag_monitor_last_collection_timestamp_seconds',
  lastSuccessTimestamp: 'lag_monitor_last_success_timestamp_seconds',

  // per group
  groupState: 'lag_monitor_group_state',

  // per group and topic
  timeLag: 'lag_monitor_time_lag_seconds',
  timeToDrain: 'lag_monitor_time_to_drain_seconds',
  productionRate: 'lag_monitor_production_rate',
  consumptionRate: 'lag_monitor_consumption_rate',
  health: 'lag_monitor_health',
  uncommittedPartitions: 'lag_monitor_uncommitted_partitions',
  partitionsWithLag: 'lag_monitor_partitions_with_lag',

  // per partition
  partitionTimeLag: 'lag_monitor_partition_time_lag_seconds',
  partitionProductionRate: 'lag_monitor_partition_production_rate',
  partitionConsumptionRate: 'lag_monitor_partition_consumption_rate',
  partitionHealth: 'lag_monitor_partition_health',

  // scaling
  desiredReplicas: 'lag_monitor_desired_replicas',
  currentReplicas: 'lag_monitor_current_replicas',
  scalingDecisions: 'lag_monitor_scaling_decisions_total',

  // leader election
  leader: 'lag_monitor_leader',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** Label names; the first three are kafka_exporter's, shared by our series so queries can join. */
export const METRIC_LABELS = {
  group: 'consumergroup',
  topic: 'topic',
  partition: 'partition',
  state: 'state',
  scope: 'scope',
  code: 'code',
  action: 'action',
  reason: 'reason',
} as const;

/** Buckets of the collection duration histogram, in seconds. */
export const COLLECTION_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
