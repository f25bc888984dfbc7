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
import { Dispatcher, resolveDispatcherOptions } from '../dispatch/index.js';
import { WorkerPool } from '../pool/index.js';
import type { WorkerSettings } from '../config/worker-config.js';
import { takeBatch, type BatchIntakeContext, type RawRecordSetsOption } from './batch-intake.js';
import { deadLetterMessage } from './dead-letter.js';
import { defaultOutputProducerOptions, OutputProducer } from './output-producer.js';
import { PartitionOwnership } from './partition-ownership.js';
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

/** How long a fetch waits for records on the broker: short, so a paused-then-resumed partition is fetched soon. */
const FETCH_MAX_WAIT_MS = 250;

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
  const registry = options.registry ?? createRegistry({ app: 'consumer-worker', labels: { consumergroup: settings.groupId, topic: settings.topic } });
  const kafka: Kafka = createKafka(kafkaConfig, logger);

  // 1. fetch
  const consumerConfig: ConsumerConfig & RawRecordSetsOption = {
    groupId: settings.groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: Math.max(1_000, Math.floor(settings.sessionTimeoutMs / 10)),
    maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    allowAutoTopicCreation: false,
    // Record sets come undecoded (see pool/record-set.ts): the records' bytes are copied into an
    // arena in one go and read there, by the dispatcher for offsets and keys and by the threads for
    // the rest, instead of kafkajs building an object per record first.
    rawRecordSets: true,
  };
  const consumer: Consumer = kafka.consumer(consumerConfig);

  // 2. intake, dispatch and the pool; 3. completion through the output producer
  const pool = new WorkerPool({ threads: settings.threads, handler: settings.handler, handlerOptions: settings.handlerOptions });
  const output = new OutputProducer(kafka, { ...defaultOutputProducerOptions, brokers: kafkaConfig.brokers });
  let outputs = 0;
  const dispatcher = new Dispatcher(
    {
      executor: pool,
      async onOutputs(_record, records) {
        await output.sendOutputs(records, settings.outputTopic, settings.handler);
        outputs += records.length;
      },
      async onDeadLetter(record, reason, attempts) {
        logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, attempts, reason }, 'dead-lettering record');
        await output.send(settings.dlqTopic, [deadLetterMessage(record, reason, attempts)]);
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
  let commitTimer: NodeJS.Timeout | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  let ops: OpsServer | undefined;
  let metricsUrl: string | undefined;

  registerWorkerMetrics(registry, {
    handler: settings.handler,
    dispatcher: () => dispatcher.stats(),
    pool: () => (pool.threadCount > 0 ? pool.stats() : undefined),
    consumed: () => consumed,
    outputs: () => outputs,
    commits: () => ownership.commits,
    commitLag: () => dispatcher.commitLag(),
    assignedPartitions: () => ownership.size,
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
  };
  // Longest single wait in eachBatch while backpressure pauses everything; the wait loops, with
  // a heartbeat between turns, until a partition resumes.
  const pausedWaitMs = Math.max(1_000, Math.floor(settings.sessionTimeoutMs / 10));

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { heartbeat, isStale } = payload;
    consumed += (await takeBatch(payload, intake))?.taken ?? 0;
    // With every partition paused, kafkajs sleeps its maxWaitTime before fetching again, however
    // soon one resumes; waiting for the resume here lets the next fetch go out at once.
    while (!stopping && !isStale() && ownership.size > 0 && dispatcher.pausedPartitions >= ownership.size) {
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
      ops = createOpsServer({ registry, logger, host: settings.metricsHost, port: settings.metricsPort, readiness: { group: () => ownership.joined || 'not yet joined the consumer group' } });
      // The handler is resolved and its options validated (in the threads) before the group is
      // joined: a misspelt handler or option fails the start without a rebalance.
      const [opsAddress] = await Promise.all([ops.start(), ...connected, poolStarted]);
      metricsUrl = opsAddress.url;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        ownership.join(payload.memberAssignment);
      });
      consumer.on(consumer.events.REBALANCING, () => void ownership.commit('rebalance'));
      await consumer.subscribe({ topic: settings.topic, fromBeginning: settings.offsetReset === 'earliest' });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
      commitTimer = setInterval(() => void ownership.commit('interval'), settings.commitIntervalMs);
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
      clearInterval(commitTimer);
      clearInterval(progressTimer);
      // Stop fetching, finish the pending records (bounded), commit them, then leave the group.
      ownership.pauseAll();
      const drained = await dispatcher.drain(settings.shutdownTimeoutMs);
      if (!drained) logger.warn({ timeoutMs: settings.shutdownTimeoutMs }, 'shutdown deadline passed with records pending; they will be redelivered');
      await output.flush().catch((err: unknown) => logger.error({ err: describeError(err) }, 'flushing outputs failed'));
      await ownership.commit('shutdown');
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
      return ownership.joined;
    },
  };
}
