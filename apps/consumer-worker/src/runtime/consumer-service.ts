import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import {
  AppError,
  connectClient,
  createKafka,
  createOpsServer,
  createRegistry,
  defineService,
  describeError,
  ensureTopic,
  topicPartitionCount,
  type KafkaConfig,
  type Logger,
  type OpsServer,
  type Registry,
  type Service,
} from '@lagscale/kafka-core';
import { Dispatcher, resolveDispatcherOptions, type TopicPartitionOffset } from '../dispatch/index.js';
import { WorkerPool, type OutputRecord, type PooledRecord } from '../pool/index.js';
import type { WorkerSettings } from '../config/worker-config.js';
import { takeBatch, type BatchIntakeContext, type RawRecordSetsOption } from './batch-intake.js';
import { deadLetterMessage } from './dead-letter.js';
import { defaultOutputProducerOptions, OutputProducer } from './output-producer.js';
import { registerWorkerMetrics } from './worker-metrics.js';

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

const key = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * consumer-worker: kafkajs fetches batches and hands them to the dispatcher without waiting for
 * processing; the dispatcher runs them on the worker pool in key (or partition) order; outputs and
 * dead letters are produced before an offset counts as done; only the completed prefix of each
 * partition is committed, on an interval, on rebalance and on shutdown.
 */
export function createConsumerService(options: ConsumerServiceOptions): ConsumerService {
  const { kafkaConfig, settings, logger } = options;
  const registry = options.registry ?? createRegistry({ app: 'consumer-worker' });
  const kafka: Kafka = createKafka(kafkaConfig, logger);
  const pool = new WorkerPool({ threads: settings.threads, handler: settings.handler, handlerOptions: settings.handlerOptions });
  const output = new OutputProducer(kafka, { ...defaultOutputProducerOptions, brokers: kafkaConfig.brokers });
  const consumerConfig: ConsumerConfig & RawRecordSetsOption = {
    groupId: settings.groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: Math.max(1_000, Math.floor(settings.sessionTimeoutMs / 10)),
    maxWaitTimeInMs: 250,
    allowAutoTopicCreation: false,
    // Record sets come undecoded (see pool/record-set.ts): the records' bytes are copied into an
    // arena in one go and read there, by the dispatcher for offsets and keys and by the threads for
    // the rest, instead of kafkajs building an object per record first.
    rawRecordSets: true,
  };
  const consumer: Consumer = kafka.consumer(consumerConfig);

  let consumed = 0;
  let outputs = 0;
  let commits = 0;
  let joined = false;
  let stopping = false;
  let owned = new Map<string, { topic: string; partition: number }>();
  const fetchedNext = new Map<string, number>();
  const committedNext = new Map<string, number>();
  let commitTimer: NodeJS.Timeout | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  let ops: OpsServer | undefined;
  let metricsUrl: string | undefined;
  let committing: Promise<void> | undefined;

  const dispatcher = new Dispatcher(
    {
      executor: pool,
      async onOutputs(_record: PooledRecord, records: readonly OutputRecord[]) {
        // Group by destination; a handler may address several topics.
        const byTopic = new Map<string, OutputRecord[]>();
        for (const out of records) {
          const topic = out.topic ?? settings.outputTopic;
          if (topic === undefined) throw new AppError('CONFIG_INVALID', `handler ${settings.handler} produced output but CONSUMER_OUTPUT_TOPIC is not set`);
          const list = byTopic.get(topic) ?? [];
          list.push(out);
          byTopic.set(topic, list);
        }
        await Promise.all([...byTopic].map(([topic, list]) => output.send(topic, list.map((o) => ({ key: o.key, value: o.value, headers: o.headers })))));
        outputs += records.length;
      },
      async onDeadLetter(record, reason, attempts) {
        logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, attempts, reason }, 'dead-lettering record');
        await output.send(settings.dlqTopic, [deadLetterMessage(record, reason, attempts)]);
      },
      pause(topic, partition) {
        consumer.pause([{ topic, partitions: [partition] }]);
      },
      resume(topic, partition) {
        consumer.resume([{ topic, partitions: [partition] }]);
      },
    },
    resolveDispatcherOptions({
      ordering: settings.ordering,
      chunkSize: settings.chunkSize,
      poolThreads: settings.threads,
      highWaterMark: settings.highWaterMark,
      lowWaterMark: settings.lowWaterMark,
      maxInFlightRecords: settings.maxInFlightRecords,
      maxInFlightBytes: settings.maxInFlightBytes,
      maxAttempts: settings.maxAttempts,
      retryBaseMs: settings.retryBaseMs,
      retryMaxMs: settings.retryMaxMs,
    }),
  );

  registerWorkerMetrics(registry, {
    dispatcher: () => dispatcher.stats(),
    pool: () => (pool.threadCount > 0 ? pool.stats() : undefined),
    consumed: () => consumed,
    outputs: () => outputs,
    commits: () => commits,
    poolBusyMs: () => pool.busyMs,
    handlerSeconds: () => pool.handlerSeconds(),
    endToEndSeconds: () => dispatcher.endToEndSeconds(),
    commitLag: () => {
      let lag = 0;
      for (const [k, next] of fetchedNext) lag += Math.max(0, next - (committedNext.get(k) ?? next));
      return lag;
    },
  });

  /** Commits the completed prefix of every owned partition; one commit at a time. */
  async function commit(reason: string): Promise<void> {
    while (committing !== undefined) await committing;
    const offsets: TopicPartitionOffset[] = dispatcher.committableOffsets().filter((o) => owned.has(key(o.topic, o.partition)));
    if (offsets.length === 0) return;
    committing = consumer
      .commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })))
      .then(() => {
        dispatcher.markCommitted(offsets);
        for (const o of offsets) committedNext.set(key(o.topic, o.partition), o.offset);
        commits += 1;
        logger.debug({ reason, offsets }, 'committed');
      })
      .catch((err: unknown) => {
        // A commit racing a rebalance fails; the next one (or the new owner) covers it.
        logger.warn({ reason, err: describeError(err) }, 'commit failed');
      })
      .finally(() => {
        committing = undefined;
      });
    await committing;
  }

  // Longest single wait in eachBatch while backpressure pauses everything; the wait loops, with
  // a heartbeat between turns, until a partition resumes.
  const pausedWaitMs = Math.max(1_000, Math.floor(settings.sessionTimeoutMs / 10));

  // A fetch brings up to 1 MiB per partition (thousands of small records), so pausing at the
  // bound alone lets one fetch overshoot it many times over, and with it the redeliveries after a
  // crash. Take only what fits: up to one past the bound, which trips the dispatcher's pause.
  const intake: BatchIntakeContext = {
    dispatcher,
    room: () => settings.maxInFlightRecords + 1 - dispatcher.uncommittedRecords,
    stopping: () => stopping,
    onTaken(topic, partition, taken, nextOffset) {
      const tp = key(topic, partition);
      if (!owned.has(tp)) owned.set(tp, { topic, partition });
      consumed += taken;
      fetchedNext.set(tp, nextOffset);
    },
  };

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { heartbeat, isStale } = payload;
    await takeBatch(payload, intake);
    // With every partition paused, kafkajs sleeps its maxWaitTime before fetching again, however
    // soon one resumes; waiting for the resume here lets the next fetch go out at once.
    while (!stopping && !isStale() && owned.size > 0 && dispatcher.pausedPartitions >= owned.size) {
      await dispatcher.waitForResume(pausedWaitMs);
      await heartbeat();
    }
    await heartbeat();
  }

  /** Fails fast on a missing input topic; creates the dead-letter and output topics if needed. */
  async function checkTopics(): Promise<void> {
    const admin = await connectClient(kafka.admin(), { brokers: kafkaConfig.brokers, what: 'consumer-worker admin' });
    try {
      const partitions = await topicPartitionCount(admin, settings.topic);
      if (partitions === undefined) throw new AppError('TOPIC_NOT_FOUND', `topic ${settings.topic} does not exist (CONSUMER_TOPIC)`, { retriable: false });
      await ensureTopic(admin, { topic: settings.dlqTopic, partitions });
      if (settings.outputTopic !== undefined) await ensureTopic(admin, { topic: settings.outputTopic, partitions });
    } finally {
      await admin.disconnect();
    }
  }

  const service = defineService({
    name: 'consumer-worker',
    async onStart() {
      // The pool's threads load their code and the handler (hundreds of ms) while we talk to
      // Kafka and join the group; what is fetched meanwhile waits in the dispatcher.
      const poolStarted = pool.start();
      dispatcher.holdUntil(poolStarted);
      const connected = [checkTopics(), output.start(), connectClient(consumer, { brokers: kafkaConfig.brokers, what: 'consumer-worker consumer' })];
      // Building the HTTP server takes tens of ms of CPU the first time: after the connects went
      // out, so it overlaps their round trips instead of delaying them.
      ops = createOpsServer({ registry, logger, host: settings.metricsHost, port: settings.metricsPort, readiness: { group: () => joined || 'not yet joined the consumer group' } });
      const [opsAddress] = await Promise.all([ops.start(), ...connected]);
      metricsUrl = opsAddress.url;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const assignment = payload.memberAssignment;
        const next = new Map<string, { topic: string; partition: number }>();
        for (const [topic, partitions] of Object.entries(assignment)) for (const p of partitions) next.set(key(topic, p), { topic, partition: p });
        // kafkajs has no revoke callback: what we owned and no longer do is dropped here, so it is
        // never committed by us again (the broker would accept it).
        const revoked = new Map<string, number[]>();
        for (const [k, tp] of owned) if (!next.has(k)) revoked.set(tp.topic, [...(revoked.get(tp.topic) ?? []), tp.partition]);
        for (const [topic, partitions] of revoked) dispatcher.revoke(topic, partitions);
        for (const [k] of owned) if (!next.has(k)) {
          fetchedNext.delete(k);
          committedNext.delete(k);
        }
        // A pause outlives the assignment in kafkajs, while the dispatcher forgot the partition
        // when it was revoked: a partition that comes back paused would never be fetched again.
        const regained = [...next].filter(([k]) => !owned.has(k)).map(([, tp]) => ({ topic: tp.topic, partitions: [tp.partition] }));
        if (regained.length > 0) consumer.resume(regained);
        owned = next;
        joined = true;
        logger.info({ assignment, revoked: Object.fromEntries(revoked) }, 'joined group');
      });
      consumer.on(consumer.events.REBALANCING, () => {
        void commit('rebalance');
      });
      await consumer.subscribe({ topic: settings.topic, fromBeginning: settings.offsetReset === 'earliest' });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
      commitTimer = setInterval(() => void commit('interval'), settings.commitIntervalMs);
      if (settings.progressIntervalMs > 0) {
        progressTimer = setInterval(() => {
          const s = dispatcher.stats();
          logger.info({ consumed, processed: s.processed, inFlight: s.inFlightRecords, paused: s.pausedPartitions, retries: s.retries, deadLettered: s.deadLettered, outputs }, 'progress');
        }, settings.progressIntervalMs);
        progressTimer.unref();
      }
      // a handler that cannot load fails the start here
      await poolStarted;
    },
    async onStop() {
      stopping = true;
      clearInterval(commitTimer);
      clearInterval(progressTimer);
      // Stop fetching, finish what is in flight (bounded), commit it, then leave the group.
      const assigned = [...owned.values()];
      if (assigned.length > 0) consumer.pause(assigned.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] })));
      const drained = await dispatcher.drain(settings.shutdownTimeoutMs);
      if (!drained) logger.warn({ timeoutMs: settings.shutdownTimeoutMs }, 'shutdown deadline passed with records in flight; they will be redelivered');
      await output.flush().catch((err: unknown) => logger.error({ err: describeError(err) }, 'flushing outputs failed'));
      await commit('shutdown');
      await consumer.disconnect().catch(() => undefined);
      await output.stop().catch(() => undefined);
      await pool.close();
      await ops?.stop();
    },
  });

  return {
    name: service.name,
    start: () => service.start(),
    stop: () => service.stop(),
    get metricsUrl() {
      return metricsUrl;
    },
    get joined() {
      return joined;
    },
  };
}
