import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, ConsumerConfig, EachMessagePayload, Kafka, Producer, ProducerConfig } from 'kafkajs';
import { createKafka } from '../src/client/kafka-factory.js';
import { defaultKafkaConfig, EMBEDDED_BROKER, type KafkaConfig } from '../src/config/kafka-config.js';
import { ensureTopic } from '../src/admin/topics.js';
import { fetchGroupTopicOffsets } from '../src/admin/offsets.js';
import { summarizeLag } from '../src/lag/lag.js';
import { JavaCompatiblePartitioner } from '../src/partitioner/murmur2.js';
import { waitFor, type WaitForOptions } from './wait-for.js';

/** Brokers for tests: the global setup exports KAFKA_BROKERS (embedded or external cluster). */
export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? EMBEDDED_BROKER).split(',').map((b) => b.trim()).filter(Boolean);
}

export function testKafkaConfig(overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  return { ...defaultKafkaConfig, brokers: testBrokers(), clientId: 'lagscale-test', logLevel: 'silent', ...overrides };
}

/** A name no other test (or earlier run against the same broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface CollectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: EachMessagePayload['message']['headers'];
}

/**
 * One test's Kafka: unique topics and groups, every client it hands out tracked, and `cleanup()`
 * that disconnects them and deletes what it created.
 */
export class TestKafka {
  readonly kafka: Kafka;
  readonly admin: Admin;
  private readonly topics: string[] = [];
  private readonly groups: string[] = [];
  private readonly clients: Array<{ disconnect(): Promise<void> }> = [];
  private connected = false;

  constructor(config: Partial<KafkaConfig> = {}) {
    this.kafka = createKafka(testKafkaConfig(config));
    this.admin = this.kafka.admin();
  }

  async connect(): Promise<this> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    return this;
  }

  async createTopic(options: { partitions?: number; prefix?: string; configs?: Record<string, string> } = {}): Promise<string> {
    await this.connect();
    const topic = uniqueName(options.prefix ?? 'test');
    await ensureTopic(this.admin, { topic, partitions: options.partitions ?? 1, ...(options.configs ? { configs: options.configs } : {}) });
    this.topics.push(topic);
    return topic;
  }

  /** Topics something else created for this test (an app's output or DLQ): deleted at cleanup. */
  adopt(...topics: string[]): void {
    this.topics.push(...topics);
  }

  groupId(prefix = 'group'): string {
    const id = uniqueName(prefix);
    this.groups.push(id);
    return id;
  }

  /**
   * Idempotent by default: a test counts what it sent, and a retried send (a request that timed
   * out on a busy machine but was written) must not store a record twice.
   */
  async producer(config: ProducerConfig = {}): Promise<Producer> {
    const producer = this.kafka.producer({ createPartitioner: JavaCompatiblePartitioner, idempotent: true, maxInFlightRequests: 1, ...config });
    await producer.connect();
    this.clients.push(producer);
    return producer;
  }

  consumer(config: ConsumerConfig): Consumer {
    const consumer = this.kafka.consumer({ maxWaitTimeInMs: 250, ...config });
    this.clients.push(consumer);
    return consumer;
  }

  /**
   * Starts a consumer that collects every message; resolves once it joined its group and
   * finished a first fetch, so its position is resolved (a `latest` consumer has pinned "now").
   */
  async collect(options: { topic: string; groupId: string; fromBeginning: boolean; autoCommit?: boolean }): Promise<{ consumer: Consumer; messages: CollectedMessage[] }> {
    const consumer = this.consumer({ groupId: options.groupId });
    const messages: CollectedMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning });
    const joined = waitForGroupJoin(consumer);
    const fetched = waitForEvent(consumer, consumer.events.FETCH);
    await consumer.run({
      autoCommit: options.autoCommit ?? true,
      eachMessage: async ({ topic, partition, message }) => {
        messages.push({ topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers });
      },
    });
    await joined;
    await fetched;
    return { consumer, messages };
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.disconnect()));
    if (this.connected) {
      if (this.groups.length > 0) await this.admin.deleteGroups(this.groups).catch(() => undefined);
      if (this.topics.length > 0) await this.admin.deleteTopics({ topics: this.topics, timeout: 10_000 }).catch(() => undefined);
      await this.admin.disconnect();
    }
  }
}

/** Resolves on the consumer's next instrumentation event of that type. */
export function waitForEvent(consumer: Consumer, event: Consumer['events'][keyof Consumer['events']], timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      remove();
      reject(new Error(`consumer emitted no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const remove = consumer.on(event as typeof consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      remove();
      resolve();
    });
  });
}

/** Resolves when the consumer has joined its group and received an assignment. */
export function waitForGroupJoin(consumer: Consumer, timeoutMs = 30_000): Promise<void> {
  return waitForEvent(consumer, consumer.events.GROUP_JOIN, timeoutMs);
}

/** Waits until `messages` holds at least `count` entries. */
export async function waitForMessages<T>(messages: readonly T[], count: number, timeoutMs = 30_000): Promise<readonly T[]> {
  return waitFor(() => messages.length >= count && messages, { timeoutMs, description: `${count} messages (have ${messages.length})` });
}

/** Waits until the group has committed every record of the topic (lag 0 on every partition). */
export async function waitForGroupCaughtUp(admin: Admin, groupId: string, topic: string, options: WaitForOptions = {}): Promise<void> {
  await waitFor(async () => summarizeLag(await fetchGroupTopicOffsets(admin, groupId, topic), 'earliest').totalLag === 0, {
    description: `group ${groupId} to commit every record of ${topic}`,
    ...options,
  });
}
