import { Gauge, type Registry } from '@lagscale/kafka-core';
import { healthCode } from '../derive/health.js';
import type { GroupTopicView, Snapshot } from '../model/index.js';
import { METRIC_LABELS as L, METRIC_NAMES as M } from './metric-names.js';
import { metricSeconds } from './monitor-view.js';

const GROUP = [L.group] as const;
const GROUP_STATE = [L.group, L.state] as const;
const GROUP_TOPIC = [L.group, L.topic] as const;
const GROUP_TOPIC_PARTITION = [L.group, L.topic, L.partition] as const;
const TOPIC = [L.topic] as const;
const TOPIC_PARTITION = [L.topic, L.partition] as const;

type Labels<N extends readonly string[]> = N[number];

/** The series read from the broker: refilled from one cycle, emptied when a cycle fails. */
export interface SeriesGauges {
  consumerGroupLag: Gauge<Labels<typeof GROUP_TOPIC_PARTITION>>;
  consumerGroupLagSum: Gauge<Labels<typeof GROUP_TOPIC>>;
  consumerGroupCurrentOffset: Gauge<Labels<typeof GROUP_TOPIC_PARTITION>>;
  consumerGroupCurrentOffsetSum: Gauge<Labels<typeof GROUP_TOPIC>>;
  consumerGroupMembers: Gauge<Labels<typeof GROUP>>;
  topicPartitions: Gauge<Labels<typeof TOPIC>>;
  topicPartitionCurrentOffset: Gauge<Labels<typeof TOPIC_PARTITION>>;
  topicPartitionOldestOffset: Gauge<Labels<typeof TOPIC_PARTITION>>;
  groupState: Gauge<Labels<typeof GROUP_STATE>>;
  timeLag: Gauge<Labels<typeof GROUP_TOPIC>>;
  timeToDrain: Gauge<Labels<typeof GROUP_TOPIC>>;
  productionRate: Gauge<Labels<typeof GROUP_TOPIC>>;
  consumptionRate: Gauge<Labels<typeof GROUP_TOPIC>>;
  health: Gauge<Labels<typeof GROUP_TOPIC>>;
  uncommittedPartitions: Gauge<Labels<typeof GROUP_TOPIC>>;
  partitionsWithLag: Gauge<Labels<typeof GROUP_TOPIC>>;
  partitionTimeLag: Gauge<Labels<typeof GROUP_TOPIC_PARTITION>>;
  partitionProductionRate: Gauge<Labels<typeof TOPIC_PARTITION>>;
  partitionConsumptionRate: Gauge<Labels<typeof GROUP_TOPIC_PARTITION>>;
  partitionHealth: Gauge<Labels<typeof GROUP_TOPIC_PARTITION>>;
}

const HEALTH_HELP = 'Burrow-style health: 0 OK, 1 WARN (lag growing), 2 STALL (commits stuck with members), 3 STOP (no members, no commits)';

/**
 * Registers the broker-derived gauges. `collect` runs before every scrape: the exporter fills
 * the gauges there, once per cycle, so a cycle nobody scrapes costs nothing.
 */
export function registerSeriesGauges(registry: Registry, collect: () => void): SeriesGauges {
  const registers = [registry];
  const gauge = <N extends readonly string[]>(name: string, help: string, labelNames: N) =>
    new Gauge<Labels<N>>({ name, help, labelNames, registers, collect });
  return {
    consumerGroupLag: gauge(M.consumerGroupLag, 'Records a consumer group has yet to read on a partition (end offset − committed offset)', GROUP_TOPIC_PARTITION),
    consumerGroupLagSum: gauge(M.consumerGroupLagSum, 'Records a consumer group has yet to read on a topic, summed over its partitions', GROUP_TOPIC),
    consumerGroupCurrentOffset: gauge(M.consumerGroupCurrentOffset, 'Offset a consumer group committed on a partition (absent before its first commit)', GROUP_TOPIC_PARTITION),
    consumerGroupCurrentOffsetSum: gauge(M.consumerGroupCurrentOffsetSum, 'Committed offsets of a consumer group on a topic, summed over its committed partitions', GROUP_TOPIC),
    consumerGroupMembers: gauge(M.consumerGroupMembers, 'Members of a consumer group', GROUP),
    topicPartitions: gauge(M.topicPartitions, 'Partitions of a topic', TOPIC),
    topicPartitionCurrentOffset: gauge(M.topicPartitionCurrentOffset, 'Log end offset of a partition (the offset the next record gets)', TOPIC_PARTITION),
    topicPartitionOldestOffset: gauge(M.topicPartitionOldestOffset, 'Log start offset of a partition (the oldest record retained)', TOPIC_PARTITION),
    groupState: gauge(M.groupState, 'State of a consumer group, 1 on the label of its current state', GROUP_STATE),
    timeLag: gauge(M.timeLag, 'Age of the oldest record a group has yet to read on a topic (largest over its partitions), seconds', GROUP_TOPIC),
    timeToDrain: gauge(M.timeToDrain, 'Lag divided by the consumption rate, seconds; +Inf when there is lag and nothing is consumed', GROUP_TOPIC),
    productionRate: gauge(M.productionRate, 'Records per second appended to the topic a group reads, over the evaluation window', GROUP_TOPIC),
    consumptionRate: gauge(M.consumptionRate, 'Records per second a group committed past on a topic, over the evaluation window', GROUP_TOPIC),
    health: gauge(M.health, `${HEALTH_HELP}; the worst of the topic's partitions`, GROUP_TOPIC),
    uncommittedPartitions: gauge(M.uncommittedPartitions, 'Partitions of a topic a group never committed on (their lag follows the offset reset policy)', GROUP_TOPIC),
    partitionsWithLag: gauge(M.partitionsWithLag, 'Partitions of a topic where a group has lag', GROUP_TOPIC),
    partitionTimeLag: gauge(M.partitionTimeLag, 'Age of the oldest record a group has yet to read on a partition, seconds', GROUP_TOPIC_PARTITION),
    partitionProductionRate: gauge(M.partitionProductionRate, 'Records appended per second to a partition, over the evaluation window', TOPIC_PARTITION),
    partitionConsumptionRate: gauge(M.partitionConsumptionRate, 'Records per second a group committed past on a partition, over the evaluation window', GROUP_TOPIC_PARTITION),
    partitionHealth: gauge(M.partitionHealth, HEALTH_HELP, GROUP_TOPIC_PARTITION),
  };
}

/**
 * Empties every series, then, for an ok snapshot, sets one value per series. Emptying first is
 * what removes groups, topics and partitions that vanished. A failed snapshot leaves them empty:
 * frozen lag would look like a healthy plateau, while absent series let `absent()` alerts and
 * `lag_monitor_up == 0` tell the truth.
 *
 * Against kafka_exporter: a partition without a commit has no `current_offset` series (it
 * exports −1) and its `lag` follows kafka-core's reset-policy rule (it exports −1); the
 * `lag_monitor_uncommitted_partitions` gauge counts such partitions instead. A watched topic is
 * exported even before the group's first commit on it (kafka_exporter skips it).
 */
export function fillSeries(g: SeriesGauges, snapshot: Snapshot, views: readonly GroupTopicView[]): void {
  for (const gauge of Object.values(g)) gauge.reset();
  if (!snapshot.ok) return;

  for (const topic of snapshot.topics) {
    g.topicPartitions.set({ topic: topic.topic }, topic.partitions.length);
    for (const p of topic.partitions) {
      const labels = { topic: topic.topic, partition: p.partition };
      g.topicPartitionCurrentOffset.set(labels, p.end);
      g.topicPartitionOldestOffset.set(labels, p.start);
    }
  }
  for (const group of snapshot.groups) {
    g.consumerGroupMembers.set({ consumergroup: group.groupId }, group.members);
    g.groupState.set({ consumergroup: group.groupId, state: group.state }, 1);
  }

  // Production is a property of the partition, not of a group: one series per topic partition.
  const producedTopics = new Set<string>();
  for (const view of views) {
    const groupTopic = { consumergroup: view.groupId, topic: view.topic };
    const withProduction = !producedTopics.has(view.topic);
    producedTopics.add(view.topic);
    let committedSum = 0;
    for (const p of view.partitions) {
      const labels = { consumergroup: view.groupId, topic: view.topic, partition: p.partition };
      g.consumerGroupLag.set(labels, p.lag);
      if (p.committed !== null) {
        g.consumerGroupCurrentOffset.set(labels, p.committed);
        committedSum += p.committed;
      }
      g.partitionTimeLag.set(labels, p.timeLagSeconds);
      g.partitionConsumptionRate.set(labels, p.consumptionRate);
      g.partitionHealth.set(labels, healthCode(p.health));
      if (withProduction) g.partitionProductionRate.set({ topic: view.topic, partition: p.partition }, p.productionRate);
    }
    g.consumerGroupLagSum.set(groupTopic, view.totalLag);
    g.consumerGroupCurrentOffsetSum.set(groupTopic, committedSum);
    g.timeLag.set(groupTopic, view.maxTimeLagSeconds);
    g.timeToDrain.set(groupTopic, metricSeconds(view.timeToDrainSeconds));
    g.productionRate.set(groupTopic, view.productionRate);
    g.consumptionRate.set(groupTopic, view.consumptionRate);
    g.health.set(groupTopic, healthCode(view.health));
    g.uncommittedPartitions.set(groupTopic, view.uncommittedPartitions);
    g.partitionsWithLag.set(groupTopic, view.partitionsWithLag);
  }
}
