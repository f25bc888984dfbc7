import type { Admin } from 'kafkajs';
import {
  AppError,
  ConfigError,
  describeGroups,
  fetchCommittedOffsetColumns,
  fetchPartitionOffsets,
  fetchTopicsPartitionOffsets,
  fromKafkaError,
  listGroupIds,
  type GroupDescription,
  type TopicPartitionOffsets,
} from '@lagscale/kafka-core';
import type { Snapshot } from '../model/snapshot.js';
import { assembleSnapshot, failedSnapshotBody, type CycleReadings, type Reading, type SnapshotBody } from './assemble-snapshot.js';
import { defaultCollectorOptions, validateCollectorOptions, type CollectorOptions } from './collector-options.js';
import { createLimiter, type Limiter } from './limiter.js';

/** Reads one snapshot per call. Never throws: what it could not read is in `errors`. */
export interface Collector {
  collect(): Promise<Snapshot>;
}

async function read<T>(action: string, request: () => Promise<T>): Promise<Reading<T>> {
  try {
    return { ok: true, value: await request() };
  } catch (err) {
    return { ok: false, error: fromKafkaError(err, { action }) };
  }
}

/** A `test()` that gives the same answer every time: a /g or /y pattern remembers where it stopped. */
function statelessPattern(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

interface CycleContext {
  admin: Admin;
  limiter: Limiter;
  existingTopics: ReadonlySet<string>;
}

/**
 * One shared admin client for every group. A cycle: the cluster's topics (one metadata request,
 * which also tells whether the broker answers) and, with a pattern, its groups; then one
 * DescribeGroups for all groups and committed offsets per group, with at most `concurrency`
 * requests in flight; then the log offsets of every topic any group is watched on, read once for
 * all groups in one ListOffsets per leader broker and end (decision 0022).
 */
export function createCollector(admin: Admin, options: CollectorOptions, clock: () => number = Date.now): Collector {
  const problems = validateCollectorOptions(options);
  if (problems.length > 0) throw new ConfigError(problems);
  const settings = { ...defaultCollectorOptions, ...options };
  const pattern = options.groupPattern === undefined ? undefined : statelessPattern(options.groupPattern);
  const namedGroups = new Set(options.groups);

  let current = admin;
  // Topics `current` fetched log offsets for: kafkajs asks for them in every metadata refresh.
  const targetTopics = new Set<string>();
  // Cycles never overlap: one left running past its deadline delays the next, which aborts in turn.
  let previous: Promise<unknown> = Promise.resolve();

  /** kafkajs fails every metadata refresh once a topic it fetched offsets for is deleted: swap the client. */
  async function renewIfPoisoned(existingTopics: ReadonlySet<string>): Promise<AppError | undefined> {
    const deleted = [...targetTopics].filter((t) => !existingTopics.has(t));
    if (deleted.length === 0) return undefined;
    const why = `topic ${deleted.join(', ')} was deleted; kafkajs keeps requesting its metadata and fails for every topic`;
    if (options.renewAdmin === undefined) {
      return new AppError('KAFKA_REQUEST_FAILED', `${why}: the admin client must be replaced (set renewAdmin)`);
    }
    const renewed = await read('renew the admin client', options.renewAdmin);
    if (!renewed.ok) return new AppError(renewed.error.code, `${why}; renewing the admin client failed: ${renewed.error.message}`, { cause: renewed.error });
    current = renewed.value;
    targetTopics.clear();
    return undefined;
  }

  function readTopics(ctx: CycleContext) {
    const wanted = new Set<string>();
    const missing = new Set<string>();
    return {
      missing,
      /** Marks a topic to read this cycle (once), unless the cluster does not have it. */
      want(topic: string): void {
        if (wanted.has(topic) || missing.has(topic)) return;
        if (!ctx.existingTopics.has(topic)) {
          // Asking kafkajs about a missing topic costs its whole retry budget (seconds) per call.
          missing.add(topic);
          return;
        }
        wanted.add(topic);
        targetTopics.add(topic);
      },
      /**
       * Every wanted topic's offsets: one ListOffsets per leader broker for each end. When that
       * batch fails (a topic deleted since the metadata was read, an error on one partition),
       * each topic is read on its own, so one bad topic is a topic-scope error, not a failed cycle.
       */
      async read(): Promise<Map<string, Reading<TopicPartitionOffsets[]>>> {
        const names = [...wanted];
        if (names.length === 0) return new Map();
        const batch = await read(`fetch offsets of ${names.length} topics`, () => ctx.limiter.run(() => fetchTopicsPartitionOffsets(ctx.admin, names)));
        if (batch.ok && names.every((t) => (batch.value.get(t)?.length ?? 0) > 0)) {
          return new Map(names.map((t) => [t, { ok: true, value: batch.value.get(t) ?? [] }]));
        }
        const each = await Promise.all(names.map(async (topic) => [topic, await read(`fetch offsets of ${topic}`, () => ctx.limiter.run(() => fetchPartitionOffsets(ctx.admin, topic)))] as const));
        return new Map(each);
      },
    };
  }

  async function readAll(signal: AbortSignal): Promise<SnapshotBody> {
    if (signal.aborted) return failedSnapshotBody(new AppError('TIMEOUT', 'not started: the previous cycle was still running'));
    const [listing, listed] = await Promise.all([
      read('list topics', () => current.fetchTopicMetadata()),
      pattern === undefined ? Promise.resolve<Reading<string[]>>({ ok: true, value: [] }) : read('list groups', () => listGroupIds(current)),
    ]);
    if (!listing.ok) return failedSnapshotBody(listing.error);
    if (!listed.ok) return failedSnapshotBody(listed.error);
    if (signal.aborted) return failedSnapshotBody(new AppError('TIMEOUT', 'abandoned at the deadline'));
    const existingTopics = new Set(listing.value.topics.map((t) => t.name));
    const poisoned = await renewIfPoisoned(existingTopics);
    if (poisoned !== undefined) return failedSnapshotBody(poisoned);

    const groupIds = [...new Set([...options.groups, ...listed.value.filter((g) => pattern?.test(g) === true)])];
    const ctx: CycleContext = { admin: current, limiter: createLimiter(settings.concurrency, signal), existingTopics };
    const topics = readTopics(ctx);
    const watched = watchedTopics(settings, existingTopics);
    for (const topic of watched) topics.want(topic);

    const describing = groupIds.length === 0
      ? Promise.resolve<Reading<GroupDescription[]>>({ ok: true, value: [] })
      : read('describe groups', () => describeGroups(ctx.admin, groupIds));
    const committing = groupIds.map(async (groupId) => {
      // No topics named: kafkajs sends a null topic list, which the broker answers with every
      // commit of the group in one request (naming them costs a metadata round trip per topic).
      const reading = await read(`fetch committed offsets of group ${groupId}`, () => ctx.limiter.run(() => fetchCommittedOffsetColumns(ctx.admin, groupId, [])));
      if (reading.ok) for (const topic of reading.value.keys()) topics.want(topic);
      return [groupId, reading] as const;
    });
    const descriptions = await describing;
    if (descriptions.ok) for (const d of descriptions.value) for (const m of d.members) for (const topic of Object.keys(m.assignment)) topics.want(topic);
    const committed = new Map(await Promise.all(committing));
    // Every wanted topic is known now: one batched read of their log offsets.
    const topicOffsets = await topics.read();

    const readings: CycleReadings = {
      groupIds,
      namedGroups,
      configuredTopics: watched,
      descriptions,
      committed,
      topicOffsets,
      missingTopics: topics.missing,
    };
    return assembleSnapshot(readings);
  }

  /** readAll, but an unexpected throw (a bug, a kafkajs surprise) still ends as a snapshot. */
  async function readSafely(signal: AbortSignal): Promise<SnapshotBody> {
    try {
      return await readAll(signal);
    } catch (err) {
      return failedSnapshotBody(fromKafkaError(err, { action: 'collect' }));
    }
  }

  return {
    async collect(): Promise<Snapshot> {
      const atMs = clock();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<SnapshotBody>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve(failedSnapshotBody(new AppError('TIMEOUT', `collection did not finish within ${settings.timeoutMs} ms`)));
        }, settings.timeoutMs);
      });
      const work = previous.then(() => readSafely(controller.signal));
      previous = work;
      try {
        const body = await Promise.race([work, deadline]);
        return { atMs, durationMs: Math.max(0, clock() - atMs), ...body };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The topics watched for every group: those named, then those the pattern matches now. Pure. */
export function watchedTopics(options: Pick<CollectorOptions, 'topics' | 'topicPattern'>, existing: Iterable<string>): string[] {
  const named = new Set(options.topics);
  const pattern = options.topicPattern;
  if (pattern === undefined) return [...named];
  const matched = [...existing].filter((t) => !named.has(t) && !t.startsWith('__') && pattern.test(t)).sort();
  return [...named, ...matched];
}
