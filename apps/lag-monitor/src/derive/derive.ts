import { lagOf } from '@lagscale/kafka-core/lag';
import { float64Slabs, groupTopicColumns, groupTopicPartitionCount, HEALTH_STATES, type GroupSnapshot, type GroupTopicSnapshot, type GroupTopicView, type PartitionFigures, type PartitionView, type Snapshot, type TopicColumns } from '../model/index.js';
import { defaultDeriveOptions, resolveDeriveOptions, type DeriveOptions } from './derive-options.js';
import { emptyVerdictFigures, judgePartition } from './health.js';
import { createPartitionFigures, PARTITION_FIELD, PARTITION_FIELD_COUNT, partitionViews } from './partition-figures.js';
import { ratePerSecond, timeToDrainSeconds } from './rates.js';
import { windowStartInRange, type CommitHistory, type EndHistory, type RetentionRule } from './sample-history.js';
import { PartitionSlots } from './partition-slots.js';
import { SeriesColumns } from './series-columns.js';
import { timeLagInRange } from './time-lag.js';

/**
 * Sample histories: end offsets per topic partition (shared by every group on the topic) and
 * committed offsets per group, topic and partition, held in columns (`SeriesColumns`) that each
 * cycle updates in place; the maps give each live series its index there. Bounded: about
 * `maxWindowSamples` inside the window plus `maxHistorySamples` of end offsets older than it,
 * and one anchor each.
 */
export interface DeriveState {
  /** topic → partition → series index in `endColumns`. */
  ends: Map<string, PartitionSlots>;
  /** group → topic → partition → series index in `commitColumns`. */
  commits: Map<string, Map<string, PartitionSlots>>;
  /** Columns: time, end offset. */
  endColumns: SeriesColumns;
  /** Columns: time, committed offset (NaN: none), lag; narrow (4 bytes a sample, read through `view()`). */
  commitColumns: SeriesColumns;
  /** Production rate of each end series this cycle, by series index. */
  productionRates: number[];
}

export function createDeriveState(options: Pick<DeriveOptions, 'maxWindowSamples' | 'maxHistorySamples'> = {}): DeriveState {
  const windowSamples = options.maxWindowSamples ?? defaultDeriveOptions.maxWindowSamples;
  const historySamples = options.maxHistorySamples ?? defaultDeriveOptions.maxHistorySamples;
  // Most samples the rules keep (anchor, window, newest, the one appended before thinning): a
  // 5 s interval needs 14 per commit series; the columns grow to a bound, never past it unless needed.
  return {
    ends: new Map(),
    commits: new Map(),
    endColumns: new SeriesColumns(1, windowSamples + historySamples + 5, 64, 256),
    // Narrow (4 bytes a sample): 250,000 series × 16 slots × 3 columns were 98 MB as Float64 (decision 0025).
    commitColumns: new SeriesColumns(2, windowSamples + 4, 16, 1_024, true),
    productionRates: [],
  };
}

/** A copy of one group-partition's committed-offset history (for tests and debugging). */
export function commitHistoryOf(state: DeriveState, groupId: string, topic: string, partition: number): CommitHistory | undefined {
  const i = state.commits.get(groupId)?.get(topic)?.get(partition);
  if (i === undefined) return undefined;
  const c = state.commitColumns;
  const n = c.view(i);
  const [at, committed, lag] = c.out as [Float64Array, Float64Array, Float64Array];
  return { atMs: [...at.subarray(0, n)], committed: [...committed.subarray(0, n)].map((v) => (Number.isNaN(v) ? null : v)), lag: [...lag.subarray(0, n)] };
}

/** A copy of one topic partition's end-offset history (for tests and debugging). */
export function endHistoryOf(state: DeriveState, topic: string, partition: number): EndHistory | undefined {
  const i = state.ends.get(topic)?.get(partition);
  if (i === undefined) return undefined;
  const c = state.endColumns;
  const [at, end] = c.columns as [Float64Array, Float64Array];
  const from = i * c.stride;
  const to = from + (c.count[i] as number);
  return { atMs: [...at.subarray(from, to)], end: [...end.subarray(from, to)] };
}

/**
 * One cycle: appends the snapshot's offsets to the histories and judges every partition of every
 * group. Updates `state` in place and returns it: keep using the returned state, and never derive
 * twice from one state. Groups, topics and partitions absent from the snapshot are dropped from
 * the state. Never call it with a snapshot that is not ok (the service keeps the last views
 * then): an empty snapshot would drop everything.
 */
export function derive(state: DeriveState, snapshot: Snapshot, options: DeriveOptions): { state: DeriveState; views: GroupTopicView[] } {
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

  recordEnds(state, snapshot, endRule);

  let groupPartitions = 0;
  for (const group of snapshot.groups) for (const topic of group.topics) groupPartitions += groupTopicPartitionCount(topic);
  state.commitColumns.reserve(groupPartitions);
  // Every view's figures in 64 KB slabs: one small buffer per group-topic (12,500 a cycle at
  // 5,000 × 50) left the allocator's heap fragmented, and one 16 MB block raised its mmap
  // threshold each time it was freed (float64-slabs.ts).
  const rows = float64Slabs();
  // A topic's production rates once, shared by every group's figures on it (as its offsets are).
  const topicRates = new Map<TopicColumns, Float64Array>();
  const figuresFor = (offsets: TopicColumns): { figures: PartitionFigures; newRates: boolean } => {
    const count = offsets.partition.length;
    const values = rows(count * PARTITION_FIELD_COUNT);
    let rates = topicRates.get(offsets);
    const newRates = rates === undefined;
    if (rates === undefined) {
      rates = new Float64Array(count);
      topicRates.set(offsets, rates);
    }
    return { figures: createPartitionFigures(offsets, rates, o, values), newRates };
  };

  state.commitColumns.beginCycle();
  const visited = new Map<string, Set<string>>();
  const views: GroupTopicView[] = [];
  for (const group of snapshot.groups) {
    let groupSeries = state.commits.get(group.groupId);
    if (groupSeries === undefined) {
      groupSeries = new Map();
      state.commits.set(group.groupId, groupSeries);
    }
    let visitedTopics = visited.get(group.groupId);
    if (visitedTopics === undefined) {
      visitedTopics = new Set();
      visited.set(group.groupId, visitedTopics);
    }
    for (const topic of group.topics) {
      if (visitedTopics.has(topic.topic)) continue;
      visitedTopics.add(topic.topic);
      let topicSeries = groupSeries.get(topic.topic);
      if (topicSeries === undefined) {
        topicSeries = new PartitionSlots();
        groupSeries.set(topic.topic, topicSeries);
      }
      views.push(deriveGroupTopic(group, topic, { state, series: topicSeries, ends: state.ends.get(topic.topic), commitRule, options: o, figuresFor }));
    }
  }
  dropUnseenCommits(state, visited);
  return { state, views };
}

function recordEnds(state: DeriveState, snapshot: Snapshot, rule: RetentionRule): void {
  const columns = state.endColumns;
  columns.beginCycle();
  const sample = [0];
  // `snapshot.topics` holds every topic a group is read on (assembleSnapshot adds a group's topic
  // only from there), so the groups' copies of the same offsets need no second pass.
  for (const topic of snapshot.topics) {
    let series = state.ends.get(topic.topic);
    if (series === undefined) {
      series = new PartitionSlots();
      state.ends.set(topic.topic, series);
    }
    for (const p of topic.partitions) {
      let i = series.get(p.partition);
      if (i === undefined) {
        i = columns.allocate();
        series.set(p.partition, i);
      } else if (columns.seenThisCycle(i)) {
        continue;
      }
      sample[0] = p.end;
      columns.append(i, rule.nowMs, sample, rule, true);
      const [at, end] = columns.columns as [Float64Array, Float64Array];
      const from = i * columns.stride;
      const to = from + (columns.count[i] as number);
      state.productionRates[i] = ratePerSecond(at, end, windowStartInRange(at, from, to, rule.nowMs, rule.windowMs), to);
    }
  }
  for (const [topic, series] of state.ends) {
    for (const [partition, i] of series) {
      if (columns.seenThisCycle(i)) continue;
      columns.release(i);
      series.delete(partition);
    }
    if (series.size === 0) state.ends.delete(topic);
  }
}

function dropUnseenCommits(state: DeriveState, visited: Map<string, Set<string>>): void {
  const columns = state.commitColumns;
  for (const [groupId, groupSeries] of state.commits) {
    const visitedTopics = visited.get(groupId);
    for (const [topic, series] of groupSeries) {
      const keepTopic = visitedTopics?.has(topic) === true;
      for (const [partition, i] of series) {
        if (keepTopic && columns.seenThisCycle(i)) continue;
        columns.release(i);
        series.delete(partition);
      }
      if (!keepTopic) groupSeries.delete(topic);
    }
    if (visitedTopics === undefined) state.commits.delete(groupId);
  }
}

interface GroupTopicContext {
  state: DeriveState;
  /** partition → commit series of this group on this topic. */
  series: PartitionSlots;
  /** partition → end series of the topic. */
  ends: PartitionSlots | undefined;
  commitRule: RetentionRule;
  options: Required<DeriveOptions>;
  /** Rows for this view's partitions, in the cycle's block; `newRates` when the topic's production rates are still to be written. */
  figuresFor: (offsets: TopicColumns) => { figures: PartitionFigures; newRates: boolean };
}

function deriveGroupTopic(group: GroupSnapshot, topic: GroupTopicSnapshot, ctx: GroupTopicContext): GroupTopicView {
  const { nowMs, windowMs } = ctx.commitRule;
  const { commitColumns, endColumns, productionRates } = ctx.state;
  const { offsets, committed: commits } = groupTopicColumns(topic);
  const reset = ctx.options.resetPolicy;
  const { figures, newRates } = ctx.figuresFor(offsets);
  const v = figures.values;
  const rates = figures.productionRates;
  const F = PARTITION_FIELD;
  const sample = [0, 0];
  const verdict = emptyVerdictFigures();
  let productionRate = 0;
  let consumptionRate = 0;
  let maxTimeLagSeconds = 0;
  let worst = 0;
  let totalLag = 0;
  let partitionsWithLag = 0;
  let uncommittedPartitions = 0;
  for (let k = 0; k < commits.length; k += 1) {
    const partition = offsets.partition[k] as number;
    const start = offsets.start[k] as number;
    const end = offsets.end[k] as number;
    const pCommitted = commits[k] as number;
    const pLag = lagOf(start, end, pCommitted, reset);
    totalLag += pLag;
    if (pLag > 0) partitionsWithLag += 1;
    if (Number.isNaN(pCommitted)) uncommittedPartitions += 1;
    let i = ctx.series.get(partition);
    if (i === undefined) {
      i = commitColumns.allocate();
      ctx.series.set(partition, i);
    }
    sample[0] = pCommitted;
    sample[1] = pLag;
    commitColumns.append(i, nowMs, sample, ctx.commitRule);
    // This series' samples, decoded from the narrow columns (from index 0).
    const count = commitColumns.view(i);
    const [at, committed, lag] = commitColumns.out as [Float64Array, Float64Array, Float64Array];
    const from = 0;
    const pConsumption = ratePerSecond(at, committed, windowStartInRange(at, from, from + count, nowMs, windowMs), from + count);
    const e = ctx.ends?.get(partition);
    const hasEnds = e !== undefined && endColumns.seenThisCycle(e);
    const pProduction = hasEnds ? (productionRates[e] ?? 0) : 0;
    // The next record the group reads: its commit, or where the reset policy starts it.
    let timeLag = 0;
    if (hasEnds) {
      const [endAt, endSamples] = endColumns.columns as [Float64Array, Float64Array];
      const endFrom = e * endColumns.stride;
      timeLag = timeLagInRange(endAt, endSamples, endFrom, endFrom + (endColumns.count[e] as number), end - pLag, nowMs);
    }
    const health = judgePartition({ nowMs, windowMs, minSamples: ctx.options.minSamples, members: group.members, atMs: at, committed, lag, from, count }, verdict);
    const row = k * PARTITION_FIELD_COUNT;
    v[row + F.committed] = pCommitted;
    v[row + F.lag] = pLag;
    if (newRates) rates[k] = pProduction;
    v[row + F.consumptionRate] = pConsumption;
    v[row + F.timeLagSeconds] = timeLag;
    v[row + F.rule] = verdict.rule;
    v[row + F.samples] = verdict.samples;
    v[row + F.ruleMs] = verdict.ms;
    v[row + F.firstLag] = verdict.firstLag;
    productionRate += pProduction;
    consumptionRate += pConsumption;
    maxTimeLagSeconds = Math.max(maxTimeLagSeconds, timeLag);
    worst = Math.max(worst, health);
  }
  const view = {
    groupId: group.groupId,
    topic: topic.topic,
    state: group.state,
    members: group.members,
    partitionCount: figures.count,
    totalLag,
    partitionsWithLag,
    uncommittedPartitions,
    productionRate,
    consumptionRate,
    timeToDrainSeconds: timeToDrainSeconds(totalLag, consumptionRate),
    maxTimeLagSeconds,
    health: HEALTH_STATES[worst] ?? 'OK',
  } as GroupTopicView;
  // Per-partition objects only when read (/status, specs); the series render from `figures`.
  Object.defineProperty(view, 'figures', { value: figures, enumerable: false });
  // One getter for every view, reading the view itself: a closure per view (or anything holding
  // the snapshot's group, which would keep every snapshot alive) put 12,500 views a cycle into
  // dictionary mode, 7 MB more of live heap at 5,000 × 50.
  Object.defineProperty(view, 'partitions', { get: viewPartitions, enumerable: true });
  return view;
}

function viewPartitions(this: GroupTopicView): PartitionView[] {
  return partitionViews(this.figures as PartitionFigures, this.members);
}
