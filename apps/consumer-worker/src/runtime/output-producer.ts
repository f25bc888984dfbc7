import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { AppError, JavaCompatiblePartitioner, connectClient } from '@lagscale/kafka-core';
import type { OutputRecord } from '../pool/index.js';

export interface OutputProducerOptions {
  brokers: readonly string[];
  /** Messages that trigger a flush at once. */
  batchRecords: number;
  lingerMs: number;
  requestTimeoutMs: number;
}

export const defaultOutputProducerOptions = { batchRecords: 1_000, lingerMs: 5, requestTimeoutMs: 30_000 } satisfies Partial<OutputProducerOptions>;

interface Pending {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Produces handler outputs and dead letters in batches: each `send()` resolves once Kafka
 * acknowledged (acks=all) its messages, which is when the input offset may count as done. One
 * request in flight at a time, so outputs of a key keep their order.
 */
export class OutputProducer {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private queuedRecords = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: OutputProducerOptions,
  ) {
    this.producer = kafka.producer({ createPartitioner: JavaCompatiblePartitioner, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await connectClient(this.producer, { brokers: this.options.brokers, what: 'consumer-worker output producer' });
  }

  /**
   * Sends a record's handler outputs, each to the topic it names or else to `defaultTopic`;
   * resolves once Kafka acknowledged them all. `handler` names the handler in the error for an
   * output with nowhere to go.
   */
  async sendOutputs(outputs: readonly OutputRecord[], defaultTopic: string | undefined, handler: string): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const out of outputs) {
      const topic = out.topic ?? defaultTopic;
      // Not retriable: no attempt can give the output a topic; the record goes to the DLQ at once.
      if (topic === undefined) {
        throw new AppError('CONFIG_INVALID', `handler ${handler} produced output but no output topic is set (--output-topic / CONSUMER_OUTPUT_TOPIC); set one, or configure the handler to emit nothing (io-wait and cpu: --handler-options passThrough=false)`, { retriable: false });
      }
      const list = byTopic.get(topic) ?? [];
      list.push({ key: out.key, value: out.value, headers: out.headers });
      byTopic.set(topic, list);
    }
    await Promise.all([...byTopic].map(([topic, messages]) => this.send(topic, messages)));
  }

  send(topic: string, messages: Message[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      this.queuedRecords += messages.length;
      if (this.queuedRecords >= this.options.batchRecords) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.options.lingerMs);
    });
  }

  /** Sends everything queued (after any request in flight) and resolves when it is acknowledged. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing !== undefined) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.queuedRecords = 0;
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic);
      if (list === undefined) byTopic.set(p.topic, [...p.messages]);
      else list.push(...p.messages);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    this.flushing = this.producer
      .sendBatch({ topicMessages, acks: -1, timeout: this.options.requestTimeoutMs })
      .then(
        () => batch.forEach((p) => p.resolve()),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
    if (this.queue.length > 0 && this.timer === undefined) this.timer = setTimeout(() => void this.flush(), this.options.lingerMs);
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.producer.disconnect();
  }
}
