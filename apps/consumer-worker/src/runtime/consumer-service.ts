import { setImmediate as setImmediatePromise, setTimeout as delay } from 'node:timers/promises';
import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import {
  connectClient,
  createKafka,
  createProbeServer,
  createRegistry,
  defineService,
  describeError,
  ensureTopic,
  logTopicReport,
  topicPartitionCount,
  type KafkaConfig,
  type Logger,
  type OpsEndpoints,
  type Registry,
  type Service,
} from '@lagscale/kafka-core';
import { Dispatcher, resolveDispatcherOptions } from '../dispatch/index.js';
import { WorkerPool } from '../pool/index.js';
import { ARENA_INDEX_POOL, SharedBufferPool } from '../pool/shared-buffers.js';
import type { WorkerSettings } from '../config/worker-config.js';
import { takeBatch, type BatchIntakeContext, type RawRecordSetsOption } from './batch-intake.js';
import { deadLetterMessage } from './dead-letter.js';
import { DEAD_LETTER_LOG_INTERVAL_MS, DeadLetterLog } from './dead-letter-log.js';
import { defaultOutputProducerOptions, OutputProducer } from './output-producer.js';
import { PartitionOwnership } from './partition-ownership.js';
import { fetchReadiness, foldFetchEvent, type FetchEvent, type FetchHealthState } from './fetch-health.js';
import { dlqTopicOf, TopicSubscriber, type SubscriptionChange } from './topic-subscription.js';
import { registerWorkerMetrics, type TopicSeries } from './worker-metrics.js';
import { inputTopicPartitions } from './input-topic.js';
import { redeliveryReport } from './shutdown-report.js';
import { signalFirstChunk } from './first-chunk.js';

export interface ConsumerServiceOptions {
  kafkaConfig: KafkaConfig;
  settings: WorkerSettings;
  logger: Logger;
  registry?: Registry;
}

export interface ConsumerService extends Service {
  /** Where /metrics listens once started. */
  readonly metricsUrl: string | undefined;
  /** True once the member joined its group and got an assignment. */
  readonly joined: boolean;
}

/** Re-subscribing (a pattern matched a new topic): how long pending records get to finish before the member leaves. */
const RESUBSCRIBE_SETTLE_MS = 5_000;

/**
 * Of the shutdown timeout, what is kept for flushing outputs, the last commit and leaving the
 * group; the running chunks get the rest (at least half), so the whole stop ends within it.
 */
const SHUTDOWN_RESERVE_MS = 5_000;

/** Rejects as `promise` does; never resolves (a race with it fails fast on its failure alone). */
function failureOf(promise: Promise<unknown>): Promise<never> {
  return promise.then(() => new Promise<never>(() => undefined));
}

/** How long a stop waits for the running chunks, out of `shutdownTimeoutMs` for the whole stop. */
export function drainBudgetMs(shutdownTimeoutMs: number): number {
  return Math.max(Math.floor(shutdownTimeoutMs / 2), shutdownTimeoutMs - SHUTDOWN_RESERVE_MS);
}

/** How long a fetch waits for records on the broker: short, so a paused-then-resumed partition is fetched soon. */
const FETCH_MAX_WAIT_MS = 250;

/**
 * How often a member heartbeats (at most; kafkajs sends one after a batch once this has passed).
 * A member learns that its group is rebalancing from a heartbeat's answer, and the group waits for
 * every member to rejoin before it hands out partitions: the interval is time every added replica
 * waits before it is productive. One a second (Java's default is 3 s; the session timeout is at
 * least 6 s) costs one small request per member per second (decision 0018).
 */
const HEARTBEAT_INTERVAL_MS = 1_000;

/** Stopping with keyed state: how long the handlers get to flush the state of their keys, at most. */
const STATE_FLUSH_TIMEOUT_MS = 2_000;

/** What a stop keeps, after the state flush, for closing the output producer, the pool and the ops server. */
const CLOSE_MARGIN_MS = 500;

/** The state flush's share of a stop with `remainingMs` left of its shutdown timeout. */
export function stateFlushBudgetMs(remainingMs: number): number {
  return Math.max(0, Math.min(STATE_FLUSH_TIMEOUT_MS, remainingMs - CLOSE_MARGIN_MS));
}

/**
 * consumer-worker. A record goes, in this order:
 * 1. fetch: kafkajs `eachBatch` (record sets undecoded) hands each batch to `takeBatch` and
 *    returns without waiting for processing;
 * 2. intake and dispatch (`Dispatcher`): tracked and counted by its partition, queued in its lane
 *    (key or partition order), run on the worker pool in a chunk;
 * 3. completion: its outputs or dead letter are produced (`OutputProducer`) before it counts as done;
 * 4. commit (`PartitionOwnership`): the completed prefix of each owned partition, on an
 *    interval, on rebalance and on shutdown.
 */
export function createConsumerService(options: ConsumerServiceOptions): ConsumerService {
  const { kafkaConfig, settings, logger } = options;
  // Every series names the group and topic, as lag-monitor's do, so dashboards filter both alike.
  // With a pattern, the per-topic series carry the record's topic and the process-wide ones none.
  const registry =
    options.registry ??
    createRegistry({ app: 'consumer-worker', labels: { consumergroup: settings.groupId, ...(settings.subscription.kind === 'topic' ? { topic: settings.subscription.topic } : {}) } });
  const kafka: Kafka = createKafka(kafkaConfig, logger);

  // 1. fetch
  // Fetch responses come back for reuse once the fetch loop and every arena pointing into one are
  // done with it: new memory for each cost more in page faults than the copy into it (0030).
  const responseBuffers = new SharedBufferPool();
  const arenaIndexes = new SharedBufferPool(ARENA_INDEX_POOL);
  const consumerConfig: ConsumerConfig & RawRecordSetsOption = {
    groupId: settings.groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    allowAutoTopicCreation: false,
    // Record sets come undecoded (see pool/record-set.ts): the records' bytes are copied into an
    // arena in one go and read there, by the dispatcher for offsets and keys and by the threads for
    // the rest, instead of kafkajs building an object per record first.
    rawRecordSets: true,
    responseBuffers: {
      allocate: (size) => responseBuffers.allocate(size),
      fetchHandled: (batches) => responseBuffers.releaseFetched(batches.map((batch) => batch.recordSet)),
    },
  };
  const consumer: Consumer = kafka.consumer(consumerConfig);

  // 2. intake, dispatch and the pool; 3. completion through the output producer
  const pool = new WorkerPool({
    threads: settings.threads,
    handler: settings.handler,
    handlerOptions: settings.handlerOptions,
    keyedState: settings.keyedState,
    // partition ordering runs a partition's records one after another: its lane must stay on one thread
    keyedRoute: settings.ordering === 'partition' ? 'partition' : 'key',
  });
  const output = new OutputProducer(kafka, { ...defaultOutputProducerOptions, brokers: kafkaConfig.brokers });
  let outputs = 0;
  // One line per burst of dead letters, not one per record (a topic of garbage floods otherwise).
  const deadLetterLog = new DeadLetterLog(logger, (topic) => dlqTopicOf(settings, topic));
  // Counted per input topic here (the dispatcher keeps the rest per partition): see `topicSeries`.
  const perTopic = { consumed: new Map<string, number>(), outputs: new Map<string, number>(), deadLettered: new Map<string, number>() };
  const dispatcher = new Dispatcher(
    {
      // The first chunk back is when this replica became productive: one line says how long from
      // the process's start (performance.now() counts from it) that took.
      executor: signalFirstChunk(pool, () => {
        const startupMs = Math.round(performance.now());
        logger.info({ startupMs }, `first records processed ${startupMs} ms after the process started`);
      }),
      async onOutputs(record, records) {
        await output.sendOutputs(records, settings.outputTopic, settings.handler);
        outputs += records.length;
        perTopic.outputs.set(record.topic, (perTopic.outputs.get(record.topic) ?? 0) + records.length);
      },
      async onDeadLetter(record, reason, attempts) {
        await output.send(dlqTopicOf(settings, record.topic), [deadLetterMessage(record, reason, attempts)]);
        // logged once sent: a send the dispatcher retries is one dead letter, not several
        deadLetterLog.record(record, reason, attempts);
        perTopic.deadLettered.set(record.topic, (perTopic.deadLettered.get(record.topic) ?? 0) + 1);
      },
      async onStateReleased(topic, partitions, { outputs: flushed, errors }) {
        for (const error of errors) logger.warn({ topic, partitions, error }, 'handler revoke hook failed: that state is lost');
        if (flushed.length === 0) return;
        await output.sendOutputs(flushed, settings.outputTopic, settings.handler);
        outputs += flushed.length;
        perTopic.outputs.set(topic, (perTopic.outputs.get(topic) ?? 0) + flushed.length);
        logger.info({ topic, partitions, outputs: flushed.length }, 'revoked keys flushed their state');
      },
      pause: (topic, partition) => consumer.pause([{ topic, partitions: [partition] }]),
      resume: (topic, partition) => consumer.resume([{ topic, partitions: [partition] }]),
    },
    resolveDispatcherOptions({
      ordering: settings.ordering,
      chunkSize: settings.chunkSize,
      poolThreads: settings.threads,
      highWaterMark: settings.highWaterMark,
      lowWaterMark: settings.lowWaterMark,
      maxUncommittedRecords: settings.maxUncommittedRecords,
      maxUncommittedBytes: settings.maxUncommittedBytes,
      maxAttempts: settings.maxAttempts,
      retryBaseMs: settings.retryBaseMs,
      retryMaxMs: settings.retryMaxMs,
    }),
  );

  // 4. commit, and the partitions owned
  const ownership = new PartitionOwnership(consumer, dispatcher, logger);

  let consumed = 0;
  let stopping = false;
  // Not ready while it cannot fetch (broker away): see fetch-health.ts.
  let fetchHealth: FetchHealthState = {};
  let commitTimer: NodeJS.Timeout | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  let deadLetterTimer: NodeJS.Timeout | undefined;
  let ops: OpsEndpoints | undefined;
  let metricsUrl: string | undefined;

  /** Every topic consumed since start (or assigned now), with its numbers. */
  function topicSeries(): Map<string, TopicSeries> {
    const dispatched = dispatcher.topicStats();
    const assigned = ownership.assignedByTopic();
    const topics = new Set([...perTopic.consumed.keys(), ...dispatched.keys(), ...assigned.keys()]);
    const series = new Map<string, TopicSeries>();
    for (const topic of topics) {
      const d = dispatched.get(topic);
      series.set(topic, {
        consumed: perTopic.consumed.get(topic) ?? 0,
        processed: d?.processed ?? 0,
        deadLettered: perTopic.deadLettered.get(topic) ?? 0,
        outputs: perTopic.outputs.get(topic) ?? 0,
        uncommittedRecords: d?.uncommittedRecords ?? 0,
        pendingRecords: d?.pendingRecords ?? 0,
        pausedPartitions: d?.pausedPartitions ?? 0,
        assignedPartitions: assigned.get(topic) ?? 0,
        commitLag: d?.commitLag ?? 0,
      });
    }
    return series;
  }

  registerWorkerMetrics(registry, {
    handler: settings.handler,
    dispatcher: () => dispatcher.stats(),
    pool: () => (pool.threadCount > 0 ? pool.stats() : undefined),
    topics: () => topicSeries(),
    commits: () => ownership.commits,
    poolBusyMs: () => pool.busyMs,
    handlerSeconds: () => pool.handlerSeconds(),
    endToEndSeconds: () => dispatcher.endToEndSeconds(),
  });

  // A fetch brings up to 1 MiB per partition (thousands of small records), so pausing at the
  // bound alone lets one fetch overshoot it many times over, and with it the redeliveries after a
  // crash. Take only what fits: up to one past the bound, which trips the dispatcher's pause.
  const intake: BatchIntakeContext = {
    dispatcher,
    room: () => settings.maxUncommittedRecords + 1 - dispatcher.uncommittedRecords,
    stopping: () => stopping,
    responseBuffers,
    arenaIndexes,
  };
  // Longest single wait in eachBatch while backpressure pauses everything; the wait loops, with
  // a heartbeat between turns, until a partition resumes.
  const pausedWaitMs = Math.max(1_000, Math.floor(settings.sessionTimeoutMs / 10));

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { heartbeat, isStale } = payload;
    const idle = dispatcher.uncommittedRecords === 0;
    const taken = (await takeBatch(payload, intake))?.taken ?? 0;
    consumed += taken;
    if (taken > 0) perTopic.consumed.set(payload.batch.topic, (perTopic.consumed.get(payload.batch.topic) ?? 0) + taken);
    // The dispatcher queues what was taken in the next turn of the event loop, after this fetch's
    // other batches (so the next fetch request goes out first). With nothing in flight the threads
    // are idle meanwhile: give them this batch now. At start, the first fetch brings ~1 MiB per
    // partition, and the first chunk no longer waits for the intake of all of them (0026).
    if (idle && taken > 0) await setImmediatePromise();
    // With every partition paused, kafkajs sleeps its maxWaitTime before fetching again, however
    // soon one resumes; waiting for the resume here lets the next fetch go out at once.
    while (!stopping && !isStale() && ownership.size > 0 && dispatcher.pausedPartitions >= ownership.size) {
      await dispatcher.waitForResume(pausedWaitMs);
      await heartbeat();
    }
    await heartbeat();
  }

  // What to consume (one topic, or a pattern's topics as they appear) and its side topics.
  const own = { outputTopic: settings.outputTopic, dlqTopic: settings.dlqTopic };
  let admin: Admin | undefined;
  let outputReady = settings.outputTopic === undefined;
  let consuming = false;
  /** The pool's start (set by onStart): the group is joined once it resolved. */
  let poolReady: Promise<void> = Promise.resolve();
  // A stop asked for while the start still waits (for the input topic) ends that wait.
  const stopRequested = new AbortController();
  let waitingForTopic: string | undefined;

  /** Checks the input topics (waiting for a missing one); creates the dead-letter (and output) topics if needed. */
  async function prepareTopics(topics: readonly string[]): Promise<void> {
    admin ??= await connectClient(kafka.admin(), { brokers: kafkaConfig.brokers, what: 'consumer-worker admin' });
    for (const topic of topics) {
      // A pattern's topic was listed a moment ago: deleted since, it simply is not consumed.
      const partitions =
        settings.subscription.kind === 'pattern'
          ? await topicPartitionCount(admin, topic)
          : await inputTopicPartitions(admin, topic, {
              waitMs: settings.topicWaitMs,
              signal: stopRequested.signal,
              logger,
              onWaiting: (waiting) => (waitingForTopic = waiting ? topic : undefined),
            });
      if (partitions === undefined) continue;
      // created: one info line each; there already: debug (every start ensures them)
      logTopicReport(logger, await ensureTopic(admin, { topic: dlqTopicOf(settings, topic), partitions }), 'dead-letter topic', 'debug');
      if (!outputReady && settings.outputTopic !== undefined) {
        logTopicReport(logger, await ensureTopic(admin, { topic: settings.outputTopic, partitions }), 'output topic', 'debug');
        outputReady = true;
      }
    }
  }

  /**
   * Subscribes the consumer to exactly `topics`. kafkajs cannot change a running consumer's
   * subscription, so a running one first finishes what it holds (bounded), commits, and leaves
   * the group; it then joins again with the new topics (a rebalance, as in any client).
   */
  async function consume(topics: readonly string[], change: SubscriptionChange): Promise<void> {
    if (consuming) {
      logger.info({ added: change.added, removed: change.removed }, 'topics changed: re-subscribing');
      ownership.pauseAll();
      // Rare (a topic appeared), so a short poll, not a dispatcher event.
      const settleBy = Date.now() + RESUBSCRIBE_SETTLE_MS;
      while (dispatcher.stats().pendingRecords > 0 && Date.now() < settleBy) await delay(50);
      await output.flush().catch((err: unknown) => logger.warn({ err: describeError(err) }, 'flushing outputs before re-subscribing failed'));
      await ownership.commit('resubscribe');
      await consumer.stop();
      // Left the group: what is still pending is dropped here and redelivered from the commit.
      ownership.leave();
      consuming = false;
    }
    if (topics.length === 0 || stopping || stopRequested.signal.aborted) return;
    // The handler is resolved and its options validated (in the threads) before the group is
    // joined: a misspelt handler or option fails the start without a rebalance.
    await poolReady;
    if (stopping || stopRequested.signal.aborted) return;
    await consumer.subscribe({ topics: [...topics], fromBeginning: settings.offsetReset === 'earliest' });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
    consuming = true;
  }

  const subscriber = new TopicSubscriber(
    settings.subscription,
    own,
    {
      listTopics: async () => {
        admin ??= await connectClient(kafka.admin(), { brokers: kafkaConfig.brokers, what: 'consumer-worker admin' });
        return admin.listTopics();
      },
      prepare: prepareTopics,
      consume,
    },
    { refreshIntervalMs: settings.topicRefreshIntervalMs, onError: (err) => logger.warn({ err: describeError(err) }, 'reading the topics to consume failed; retrying at the next refresh') },
  );

  async function disconnectAdmin(): Promise<void> {
    const current = admin;
    admin = undefined;
    await current?.disconnect().catch(() => undefined);
  }

  const service = defineService({
    name: 'consumer-worker',
    async onStart() {
      // The pool's threads load their code and the handler (hundreds of ms of CPU) while we
      // connect and check the topics; consume() joins the group once they run.
      const poolStarted = pool.start();
      poolReady = poolStarted;
      dispatcher.holdUntil(poolStarted);
      const connected = [output.start(), connectClient(consumer, { brokers: kafkaConfig.brokers, what: 'consumer-worker consumer' })];
      // Three fixed routes on Node's own server (fastify would cost ~200 ms of CPU here; 0026).
      ops = createProbeServer({
        registry,
        logger,
        host: settings.metricsHost,
        port: settings.metricsPort,
        readiness: {
          topic: () => (waitingForTopic === undefined ? true : `waiting for topic ${waitingForTopic} to be created`),
          group: () => ownership.joined || 'not yet joined the consumer group',
          fetch: () => fetchReadiness(fetchHealth, Date.now()),
        },
      });
      // A pool that fails to start (a misspelt handler or option) fails the start at once, also
      // while the connects or the topic checks are still under way.
      const [opsAddress] = await Promise.race([Promise.all([ops.start(), ...connected]), failureOf(poolStarted)]);
      metricsUrl = opsAddress.url;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        ownership.join(payload.memberAssignment);
      });
      consumer.on(consumer.events.REBALANCING, () => void ownership.commit('rebalance'));
      const fold = (event: FetchEvent) => (fetchHealth = foldFetchEvent(fetchHealth, event));
      consumer.on(consumer.events.FETCH_START, ({ timestamp }) => fold({ type: 'fetch-start', atMs: timestamp }));
      consumer.on(consumer.events.FETCH, ({ timestamp }) => fold({ type: 'fetch', atMs: timestamp }));
      consumer.on(consumer.events.CRASH, ({ timestamp, payload }) => fold({ type: 'crash', atMs: timestamp, reason: describeError(payload.error) }));
      // The topic checks overlap the pool's start; consume() joins the group only once the pool runs.
      await Promise.all([poolStarted, subscriber.start()]);
      // A single topic needs the admin only to check it; a pattern keeps it to watch the topic list.
      if (settings.subscription.kind === 'topic') await disconnectAdmin();
      commitTimer = setInterval(() => void ownership.commit('interval'), settings.commitIntervalMs);
      deadLetterTimer = setInterval(() => deadLetterLog.flush(), DEAD_LETTER_LOG_INTERVAL_MS);
      deadLetterTimer.unref();
      if (settings.progressIntervalMs > 0) {
        progressTimer = setInterval(() => {
          const s = dispatcher.stats();
          logger.info({ consumed, processed: s.processed, uncommitted: s.uncommittedRecords, pending: s.pendingRecords, paused: s.pausedPartitions, retries: s.retries, deadLettered: s.deadLettered, outputs }, 'progress');
        }, settings.progressIntervalMs);
        progressTimer.unref();
      }
    },
    async onStop() {
      stopping = true;
      const stopDeadline = Date.now() + settings.shutdownTimeoutMs;
      await subscriber.stop();
      clearInterval(commitTimer);
      clearInterval(progressTimer);
      // Stop fetching and starting chunks, finish the chunks already running (bounded), commit
      // what is done, then leave the group. Records not run by then are redelivered.
      ownership.pauseAll();
      const drainMs = drainBudgetMs(settings.shutdownTimeoutMs);
      const drained = await dispatcher.drain(drainMs);
      if (!drained) logger.warn({ timeoutMs: drainMs }, `running chunks did not finish within ${drainMs} ms of the ${settings.shutdownTimeoutMs} ms shutdown timeout; committing what is done`);
      await output.flush().catch((err: unknown) => logger.error({ err: describeError(err) }, 'flushing outputs failed'));
      await ownership.commit('shutdown');
      const redelivery = redeliveryReport(dispatcher.uncommittedByPartition());
      if (redelivery.level === 'warn' || consumed > 0) logger[redelivery.level](redelivery.fields, redelivery.message);
      clearInterval(deadLetterTimer);
      deadLetterLog.flush();
      await consumer.disconnect().catch(() => undefined);
      // Keyed state: the partitions left with this member, so their keys' state is flushed (as on
      // a revoke; after the last commit), bounded: a thread still busy with a chunk the drain gave
      // up on runs it first.
      // The flush is part of the shutdown timeout's reserve: it gets what is left of the timeout
      // (less a margin for closing the pool), at most STATE_FLUSH_TIMEOUT_MS.
      const flushMs = stateFlushBudgetMs(stopDeadline - Date.now());
      const flushed = await Promise.race([dispatcher.revokeAll().then(() => true), delay(flushMs, false, { ref: false })]);
      if (!flushed) logger.warn({ timeoutMs: flushMs }, 'handler state of the revoked keys not flushed in time; it is lost');
      await output.stop().catch(() => undefined);
      await disconnectAdmin();
      await pool.close();
      await ops?.stop();
    },
  });

  return {
    name: service.name,
    start: () => service.start(),
    stop: () => {
      stopRequested.abort();
      return service.stop();
    },
    get metricsUrl() {
      return metricsUrl;
    },
    get joined() {
      return ownership.joined;
    },
  };
}
