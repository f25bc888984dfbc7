import { validateTopicName } from '@lagscale/kafka-core';
import { builtInPartitioner, type LoadedPartitioner } from '@lagscale/kafka-core/partitioner';
import { ScannedBody } from './body-scan.js';
import { encodeRecords, encodeScannedRecords, type EncodedRecord } from './encode-records.js';
import type { IngestSink } from './kafka-gateway.js';
import { ingestErrorFromKafka, type KafkaPhase } from './kafka-failure.js';
import { IngestError } from './ingest-errors.js';
import { createRequestParser, type IngestRequestParser } from './ingest-request.js';
import { recordPositions, type RecordPosition } from './record-offsets.js';
import { highestRequestedPartition, placeRecords } from './record-placement.js';
import { TopicPartitionCache } from './topic-partition-cache.js';
import type { ValueEncoding } from './value-encoding.js';
import { withDeadline } from './with-deadline.js';

export interface RecordIngestorOptions {
  maxRecordsPerRequest: number;
  maxRecordBytes: number;
  defaultValueEncoding: ValueEncoding;
  allowedTopics: readonly string[] | undefined;
  /** Bound on the Kafka part of one request: metadata lookup and acknowledgement. */
  requestTimeoutMs: number;
  metadataMaxAgeMs: number;
}

/** Told about every Kafka round trip, so readiness follows what requests actually see. */
export interface KafkaHealthListener {
  up(): void;
  down(reason: string): void;
}

/**
 * One ingest request, start to finish, independent of HTTP: validate the topic and the body,
 * encode, look the topic up, place each record, produce, and turn the acknowledgement into a
 * position per record. Everything that can go wrong is an IngestError; nothing here is reported
 * as stored unless Kafka acknowledged it.
 */
export class RecordIngestor {
  private readonly parse: IngestRequestParser;
  private readonly topics: TopicPartitionCache;
  private readonly allowedTopics: ReadonlySet<string> | undefined;
  private keylessCursor = 0;
  private partitioner: LoadedPartitioner = builtInPartitioner('murmur2');

  constructor(
    private readonly sink: IngestSink,
    private readonly options: RecordIngestorOptions,
    private readonly health?: KafkaHealthListener,
  ) {
    this.parse = createRequestParser(options);
    this.topics = new TopicPartitionCache((topic) => sink.partitionCount(topic), { maxAgeMs: options.metadataMaxAgeMs });
    this.allowedTopics = options.allowedTopics === undefined ? undefined : new Set(options.allowedTopics);
  }

  /** Places records that name no partition from now on (loaded by the service at start). */
  usePartitioner(partitioner: LoadedPartitioner): void {
    this.partitioner = partitioner;
  }

  /** `body` is what the route's body parser gave: a ScannedBody, or any parsed JSON. */
  async ingest(topic: string, body: unknown): Promise<RecordPosition[]> {
    // the records' CreateTime: when the gateway got them, not when a produce call took them
    const receivedAtMs = Date.now();
    this.checkTopic(topic);
    const records = this.encode(body);

    let phase: KafkaPhase = 'metadata';
    const kafkaWork = async (): Promise<RecordPosition[]> => {
      const partitionCount = await this.partitionCountFor(topic, highestRequestedPartition(records));
      const placed = placeRecords(records, { topic, partitionCount, keylessPartition: this.nextKeylessPartition(partitionCount), partitioner: this.partitioner });
      phase = 'produce';
      const acks = await this.sink.send(topic, placed, receivedAtMs);
      return recordPositions(placed.map((record) => record.partition), acks);
    };

    try {
      const positions = await withDeadline(kafkaWork(), this.options.requestTimeoutMs);
      this.health?.up();
      return positions;
    } catch (err) {
      const failure = ingestErrorFromKafka(err, { topic, phase });
      if (failure === undefined) throw err;
      if (failure.code === 'KAFKA_UNAVAILABLE') this.health?.down(failure.message);
      else if (failure.code === 'TOPIC_NOT_FOUND') this.topics.invalidate(topic);
      throw failure;
    }
  }

  // A scanned body whose records cannot all be stored as they are goes the reference way, so that
  // the answer is the one JSON.parse and the schema give.
  private encode(body: unknown): EncodedRecord[] {
    if (!(body instanceof ScannedBody)) return encodeRecords(this.parse(body), this.options);
    return encodeScannedRecords(body, this.options) ?? encodeRecords(this.parse(JSON.parse(body.text())), this.options);
  }

  private checkTopic(topic: string): void {
    try {
      validateTopicName(topic);
    } catch {
      throw new IngestError('INVALID_TOPIC_NAME', `topic "${topic.slice(0, 300)}" is not a valid name: use 1–249 characters from a-z A-Z 0-9 . _ -`);
    }
    // Kafka's own topics (__consumer_offsets, __transaction_state) are not for clients to write.
    if (topic.startsWith('__')) throw new IngestError('TOPIC_NOT_ALLOWED', `topic "${topic}" is internal to Kafka`);
    if (this.allowedTopics !== undefined && !this.allowedTopics.has(topic)) {
      throw new IngestError('TOPIC_NOT_ALLOWED', `topic "${topic}" does not accept records through this gateway`);
    }
  }

  // A cached count can be stale (partitions were added, the topic was created or deleted), so a
  // miss of either kind asks Kafka once more before the client hears no.
  private async partitionCountFor(topic: string, highest: { index: number; partition: number } | undefined): Promise<number> {
    let count = await this.topics.partitionCount(topic);
    if (count !== undefined && highest !== undefined && highest.partition >= count) {
      count = await this.topics.partitionCount(topic, { refresh: true });
    }
    if (count === undefined) throw new IngestError('TOPIC_NOT_FOUND', `topic "${topic}" does not exist`);
    if (highest !== undefined && highest.partition >= count) {
      throw new IngestError(
        'PARTITION_OUT_OF_RANGE',
        `records[${highest.index}].partition is ${highest.partition}, but topic "${topic}" has ${count} partition${count === 1 ? '' : 's'} (0–${count - 1})`,
      );
    }
    return count;
  }

  // Round-robin over requests, so keyless traffic still spreads over every partition.
  private nextKeylessPartition(partitionCount: number): number {
    this.keylessCursor += 1;
    return this.keylessCursor % partitionCount;
  }
}
