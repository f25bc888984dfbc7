import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { fetchPartitionOffsets, type TopicPartitionOffsets } from '../admin/offsets.js';
import { AppError } from '../errors/app-error.js';
import { fromKafkaError } from '../errors/kafka-errors.js';
import type { Logger } from '../observability/logger.js';
import { readSequence } from './sequence-headers.js';
import { SequenceVerifier, type ExpectedCounts, type SequenceReport, type SequenceVerifierOptions } from './sequence-verifier.js';
import { SnapshotProgress } from './snapshot-progress.js';

export interface VerifyTopicOptions extends Partial<Omit<SequenceVerifierOptions, 'expected'>> {
  topic: string;
  expected?: ExpectedCounts;
  /** Bound on the whole verification, connecting included. */
  timeoutMs?: number;
  /** Prefix of the throwaway consumer group; a random suffix makes it unique. */
  groupIdPrefix?: string;
  logger?: Logger;
}

export const defaultVerifyTopicOptions = {
  timeoutMs: 120_000,
  groupIdPrefix: 'lagscale-verify',
} satisfies Partial<VerifyTopicOptions>;

export interface TopicSequenceReport extends SequenceReport {
  topic: string;
  /** Start and end offset of every partition when the read began: the snapshot verified. */
  endOffsets: TopicPartitionOffsets[];
  /** Records read from the snapshot, stamped or not. */
  recordsRead: number;
}

// Larger fetches than kafkajs's 1 MiB default: the verifier is cheap per record, so the
// round trips to the broker are what bound its speed on large topics.
const MAX_BYTES_PER_PARTITION = 8 * 1024 * 1024;
const MAX_WAIT_MS = 250;

interface ReadState {
  progress: SnapshotProgress | undefined;
  recordsRead: number;
  joined: boolean;
}

function timeoutError(topic: string, timeoutMs: number, state: ReadState): AppError {
  const { progress } = state;
  if (progress === undefined) {
    return new AppError('TIMEOUT', `verify ${topic}: timed out after ${timeoutMs} ms before its end offsets were read`, {
      details: { topic, recordsRead: 0 },
    });
  }
  const behind = progress.behind();
  const where = behind.map((p) => `partition ${p.partition} at offset ${p.position} of ${p.end}`).join(', ');
  const group = state.joined ? '' : '; the reader never joined its consumer group';
  return new AppError(
    'TIMEOUT',
    `verify ${topic}: timed out after ${timeoutMs} ms having read ${state.recordsRead} of ${progress.records} records; behind: ${where}${group}`,
    { details: { topic, recordsRead: state.recordsRead, records: progress.records, behind } },
  );
}

function feed(verifier: SequenceVerifier, message: KafkaMessage, partition: number): void {
  const stamp = readSequence(message.headers);
  if (stamp === undefined) {
    verifier.observeUnsequenced();
    return;
  }
  verifier.observe({
    producerId: stamp.producerId,
    seq: stamp.seq,
    keySeq: stamp.keySeq,
    key: message.key,
    partition,
    offset: message.offset,
  });
}

/** Resolves once every partition of the snapshot was read into the verifier. */
function readSnapshot(consumer: Consumer, topic: string, verifier: SequenceVerifier, progress: SnapshotProgress, state: ReadState): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const advance = (partition: number, lastOffset: string): void => {
      progress.advance(partition, Number(lastOffset) + 1);
      if (progress.done) resolve();
    };
    consumer.on(consumer.events.GROUP_JOIN, () => {
      state.joined = true;
    });
    // Batches of only transaction markers or aborted records never reach eachBatch, yet their
    // offsets count towards the end offset.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic === topic) advance(payload.partition, payload.lastOffset);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(fromKafkaError(payload.error, { action: `verify ${topic}` }));
    });
    const run = async (): Promise<void> => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const snapshot = progress.get(batch.partition);
          if (batch.topic !== topic || snapshot === undefined) return;
          let position = snapshot.position;
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            // A refetch after a fetch error repeats records: each offset is fed once.
            if (offset < position) continue;
            if (offset >= snapshot.end) break;
            feed(verifier, message, batch.partition);
            state.recordsRead += 1;
            position = offset + 1;
          }
          progress.advance(batch.partition, position);
          advance(batch.partition, batch.lastOffset());
        },
      });
    };
    run().catch((err: unknown) => reject(fromKafkaError(err, { action: `verify ${topic}` })));
  });
}

async function snapshotOffsets(admin: Admin, topic: string): Promise<TopicPartitionOffsets[]> {
  // kafkajs retries an unknown topic's metadata for seconds before giving up: ask first.
  const topics = await admin.listTopics().catch((err: unknown) => {
    throw fromKafkaError(err, { action: `verify ${topic}` });
  });
  if (!topics.includes(topic)) {
    throw new AppError('TOPIC_NOT_FOUND', `verify ${topic}: the topic does not exist`, { retriable: false });
  }
  return fetchPartitionOffsets(admin, topic);
}

async function deleteGroup(admin: Admin, groupId: string, logger: Logger | undefined): Promise<void> {
  try {
    await admin.deleteGroups([groupId]);
  } catch (err) {
    // A group that never committed may already be gone once its member left.
    logger?.debug({ groupId, err }, 'verify: reader group not deleted');
  }
}

/**
 * Reads a topic from its log start to the end offsets it had when called, through a fresh
 * consumer group that commits nothing and is deleted afterwards, and checks the sequence stamps
 * of every record (see `SequenceVerifier`). Records produced meanwhile are not read. Fails with
 * TIMEOUT, saying how far it got, when the read takes longer than `timeoutMs`.
 */
export async function verifyTopic(kafka: Kafka, options: VerifyTopicOptions): Promise<TopicSequenceReport> {
  const { topic, logger } = options;
  const timeoutMs = options.timeoutMs ?? defaultVerifyTopicOptions.timeoutMs;
  const verifier = new SequenceVerifier({
    ...(options.expected === undefined ? {} : { expected: options.expected }),
    ...(options.maxExamples === undefined ? {} : { maxExamples: options.maxExamples }),
    ...(options.maxMissingRanges === undefined ? {} : { maxMissingRanges: options.maxMissingRanges }),
  });
  const state: ReadState = { progress: undefined, recordsRead: 0, joined: false };
  const startedAt = Date.now();

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(topic, timeoutMs, state)), timeoutMs);
  });
  // Raced below; this keeps a timeout during cleanup from surfacing as an unhandled rejection.
  timedOut.catch(() => undefined);

  const admin = kafka.admin();
  let reader: { consumer: Consumer; groupId: string } | undefined;
  try {
    await Promise.race([admin.connect(), timedOut]).catch((err: unknown) => {
      throw fromKafkaError(err, { action: `verify ${topic}` });
    });
    const endOffsets = await Promise.race([snapshotOffsets(admin, topic), timedOut]);
    const progress = new SnapshotProgress(endOffsets);
    state.progress = progress;
    logger?.info({ topic, partitions: endOffsets.length, records: progress.records }, 'verify: reading snapshot');
    if (!progress.done) {
      const groupId = `${options.groupIdPrefix ?? defaultVerifyTopicOptions.groupIdPrefix}-${randomUUID()}`;
      const consumer = kafka.consumer({ groupId, maxBytesPerPartition: MAX_BYTES_PER_PARTITION, maxWaitTimeInMs: MAX_WAIT_MS });
      reader = { consumer, groupId };
      await Promise.race([readSnapshot(consumer, topic, verifier, progress, state), timedOut]);
    }
    logger?.info({ topic, recordsRead: state.recordsRead, durationMs: Date.now() - startedAt }, 'verify: snapshot read');
    return { ...verifier.report(), topic, endOffsets, recordsRead: state.recordsRead };
  } finally {
    clearTimeout(timer);
    if (reader !== undefined) {
      await reader.consumer.disconnect().catch(() => undefined);
      await deleteGroup(admin, reader.groupId, logger);
    }
    await admin.disconnect().catch(() => undefined);
  }
}
