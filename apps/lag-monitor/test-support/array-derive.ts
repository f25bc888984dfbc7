// derive() as it was before its state moved to columns (series-columns.ts): arrays copied every
// cycle. Kept as the reference the column-based derive is compared with (derive-columns.spec.ts).
import { summarizeLag } from '@lagscale/kafka-core/lag';
import type { GroupSnapshot, GroupTopicSnapshot, GroupTopicView, PartitionView, Snapshot } from '../src/model/index.js';
import { resolveDeriveOptions, type DeriveOptions } from '../src/derive/derive-options.js';
import { partitionHealth, worstHealth } from '../src/derive/health.js';
import { ratePerSecond, timeToDrainSeconds } from '../src/derive/rates.js';
import { appendCommitSample, appendEndSample, windowStartIndex, type CommitHistory, type EndHistory, type RetentionRule } from '../src/derive/sample-history.js';
import { timeLagSeconds } from '../src/derive/time-lag.js';

/**
 * Sample histories, plain data: end offsets per topic partition (shared by every group on the
 * topic) and committed offsets per group, topic and partition. Bounded: about `maxWindowSamples`
 * inside the window plus `maxHistorySamples` of end offsets older than it, and one anchor each.
 */
export interface ArrayDeriveState {
  /** topic → partition → end offsets. */
  ends: Map<string, Map<number, EndHistory>>;
  /** group → topic → partition → committed offsets and lag. */
  commits: Map<string, Map<string, Map<number, CommitHistory>>>;
}

export function createArrayDeriveState(): ArrayDeriveState {
  return { ends: new Map(), commits: new Map() };
}

interface TopicPartitionCycle {
  history: EndHistory;
  productionRate: number;
}

/**
 * One cycle: appends the snapshot's offsets to the histories and judges every partition of every
 * group. Pure: the state passed in is not changed; keep the returned one. Groups, topics and
 * partitions absent from the snapshot are dropped from the state. Never call it with a snapshot
 * that is not ok (the service keeps the last views then): an empty snapshot would drop everything.
 */
export function arrayDerive(state: ArrayDeriveState, snapshot: Snapshot, options: DeriveOptions): { state: ArrayDeriveState; views: GroupTopicView[] } {
  const o = resolveDeriveOptions(options);
  const nowMs = snapshot.atMs;
  const endRule: RetentionRule = {
    nowMs,
    windowMs: o.windowMs,
    horizonMs: o.historyMs,
    windowResolutionMs: o.windowMs / o.maxWindowSamples,
    oldResolutionMs: Math.max(o.historyMs - o.windowMs, 1) / o.maxHistorySamples,
  };
  const commitRule: RetentionRule = { ...endRule, horizonMs: o.windowMs, oldResolutionMs: o.windowMs };

  const ends = new Map<string, Map<number, EndHistory>>();
  const cycle = new Map<string, Map<number, TopicPartitionCycle>>();
  const recordEnd = (topic: string, partition: number, end: number) => {
    let topicCycle = cycle.get(topic);
    if (topicCycle === undefined) {
      topicCycle = new Map();
      cycle.set(topic, topicCycle);
      ends.set(topic, new Map());
    }
    if (topicCycle.has(partition)) return;
    const history = appendEndSample(state.ends.get(topic)?.get(partition), { atMs: nowMs, end }, endRule);
    ends.get(topic)?.set(partition, history);
    const from = windowStartIndex(history.atMs, nowMs, o.windowMs);
    topicCycle.set(partition, { history, productionRate: ratePerSecond(history.atMs, history.end, from) });
  };
  // `snapshot.topics` holds every topic a group is read on (assembleSnapshot adds a group's topic
  // only from there), so the groups' copies of the same offsets need no second pass.
  for (const topic of snapshot.topics) {
    for (const p of topic.partitions) recordEnd(topic.topic, p.partition, p.end);
  }

  const commits = new Map<string, Map<string, Map<number, CommitHistory>>>();
  const views: GroupTopicView[] = [];
  for (const group of snapshot.groups) {
    const groupCommits = commits.get(group.groupId) ?? new Map<string, Map<number, CommitHistory>>();
    commits.set(group.groupId, groupCommits);
    for (const topic of group.topics) {
      if (groupCommits.has(topic.topic)) continue;
      const topicCommits = new Map<number, CommitHistory>();
      groupCommits.set(topic.topic, topicCommits);
      const previous = state.commits.get(group.groupId)?.get(topic.topic);
      views.push(deriveGroupTopic(group, topic, { previous, next: topicCommits, cycle: cycle.get(topic.topic), commitRule, options: o }));
    }
  }
  return { state: { ends, commits }, views };
}

interface GroupTopicContext {
  previous: Map<number, CommitHistory> | undefined;
  next: Map<number, CommitHistory>;
  cycle: Map<number, TopicPartitionCycle> | undefined;
  commitRule: RetentionRule;
  options: Required<DeriveOptions>;
}

function deriveGroupTopic(group: GroupSnapshot, topic: GroupTopicSnapshot, ctx: GroupTopicContext): GroupTopicView {
  const { nowMs, windowMs } = ctx.commitRule;
  const summary = summarizeLag(topic.partitions, ctx.options.resetPolicy);
  const partitions: PartitionView[] = [];
  let productionRate = 0;
  let consumptionRate = 0;
  let maxTimeLagSeconds = 0;
  for (const p of summary.partitions) {
    const history = appendCommitSample(ctx.previous?.get(p.partition), { atMs: nowMs, committed: p.committed, lag: p.lag }, ctx.commitRule);
    ctx.next.set(p.partition, history);
    const topicPartition = ctx.cycle?.get(p.partition);
    const pConsumption = ratePerSecond(history.atMs, history.committed, windowStartIndex(history.atMs, nowMs, windowMs));
    const pProduction = topicPartition?.productionRate ?? 0;
    // The next record the group reads: its commit, or where the reset policy starts it.
    const timeLag = timeLagSeconds(topicPartition?.history, p.end - p.lag, nowMs);
    const verdict = partitionHealth({
      nowMs,
      windowMs,
      minSamples: ctx.options.minSamples,
      members: group.members,
      atMs: history.atMs,
      committed: history.committed,
      lag: history.lag,
    });
    partitions.push({
      partition: p.partition,
      start: p.start,
      end: p.end,
      committed: p.committed,
      hasCommit: p.hasCommit,
      lag: p.lag,
      productionRate: pProduction,
      consumptionRate: pConsumption,
      timeToDrainSeconds: timeToDrainSeconds(p.lag, pConsumption),
      timeLagSeconds: timeLag,
      health: verdict.health,
      healthReason: verdict.reason,
    });
    productionRate += pProduction;
    consumptionRate += pConsumption;
    maxTimeLagSeconds = Math.max(maxTimeLagSeconds, timeLag);
  }
  return {
    groupId: group.groupId,
    topic: topic.topic,
    state: group.state,
    members: group.members,
    partitionCount: partitions.length,
    totalLag: summary.totalLag,
    partitionsWithLag: summary.partitionsWithLag,
    uncommittedPartitions: summary.uncommittedPartitions,
    productionRate,
    consumptionRate,
    timeToDrainSeconds: timeToDrainSeconds(summary.totalLag, consumptionRate),
    maxTimeLagSeconds,
    health: worstHealth(partitions.map((p) => p.health)),
    partitions,
  };
}
