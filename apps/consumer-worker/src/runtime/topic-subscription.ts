/** What a consumer-worker consumes: one topic, or every topic a pattern matches, now and later. */
export type Subscription = { kind: 'topic'; topic: string } | { kind: 'pattern'; source: string; pattern: RegExp };

export const defaultTopicSubscriptionOptions = {
  /** How often a pattern subscription reads the topic list (ms): a new topic is consumed within this plus a rejoin. */
  refreshIntervalMs: 10_000,
  /** How long a worker started before its topic (`--topic`) exists waits for it, not ready meanwhile (ms). */
  topicWaitMs: 300_000,
} as const;

const DEAD_LETTER_SUFFIX = '.dlq';

export { compileTopicPattern } from '@lagscale/kafka-core/admin';

/** The dead-letter topic of an input topic: the one set, or `<topic>.dlq`. */
export function dlqTopicOf(settings: { dlqTopic: string | undefined }, topic: string): string {
  return settings.dlqTopic ?? `${topic}${DEAD_LETTER_SUFFIX}`;
}

/** Where the worker writes: never consumed through a pattern, or it would read its own output. */
export interface OwnTopics {
  outputTopic: string | undefined;
  dlqTopic: string | undefined;
}

/**
 * The topics to consume, given the topics that exist. Pure. A pattern leaves out Kafka's internal
 * topics (`__…`), the worker's output and dead-letter topics, and the `<topic>.dlq` of any topic
 * it matches, so that `orders.*` does not consume `orders.dlq`.
 */
export function topicsToConsume(subscription: Subscription, existing: readonly string[], own: OwnTopics): string[] {
  if (subscription.kind === 'topic') return [subscription.topic];
  const { pattern } = subscription;
  return existing
    .filter((topic) => {
      if (topic.startsWith('__') || topic === own.outputTopic || topic === own.dlqTopic) return false;
      if (topic.endsWith(DEAD_LETTER_SUFFIX) && pattern.test(topic.slice(0, -DEAD_LETTER_SUFFIX.length))) return false;
      return pattern.test(topic);
    })
    .sort();
}

export interface SubscriptionChange {
  topics: string[];
  added: string[];
  removed: string[];
}

/** What changes from the topics consumed now to the next list; null when nothing does. Pure. */
export function subscriptionChange(current: readonly string[], next: readonly string[]): SubscriptionChange | null {
  const now = new Set(current);
  const then = new Set(next);
  const added = next.filter((t) => !now.has(t));
  const removed = current.filter((t) => !then.has(t));
  return added.length === 0 && removed.length === 0 ? null : { topics: [...next], added, removed };
}

/** The I/O a subscription needs: the consumer's side of it lives in consumer-service. */
export interface SubscriptionIo {
  /** Names of the topics that exist. */
  listTopics(): Promise<string[]>;
  /** Readies what consuming these new topics needs (their dead-letter topics). */
  prepare(topics: readonly string[]): Promise<void>;
  /** (Re)subscribes the consumer to exactly these topics and runs it; none: it stops consuming. */
  consume(topics: readonly string[], change: SubscriptionChange): Promise<void>;
}

/**
 * Keeps a consumer subscribed to what the subscription means now. kafkajs resolves a pattern once,
 * at subscribe time, so for a pattern the topic list is read every `refreshIntervalMs` and a
 * change re-subscribes (consume()). One refresh at a time; an error is reported and the next
 * refresh tries again.
 */
export class TopicSubscriber {
  #topics: string[] = [];
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly subscription: Subscription,
    private readonly own: OwnTopics,
    private readonly io: SubscriptionIo,
    private readonly options: { refreshIntervalMs: number; onError: (err: unknown) => void },
  ) {}

  /** The topics consumed now. */
  get topics(): readonly string[] {
    return this.#topics;
  }

  /** Subscribes to what matches now; with a pattern, starts watching for new topics. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.subscription.kind === 'pattern') {
      this.#timer = setInterval(() => {
        this.refresh().catch(this.options.onError);
      }, this.options.refreshIntervalMs);
    }
  }

  /** Reads the topic list once and re-subscribes if the topics to consume changed. */
  refresh(): Promise<void> {
    this.#running ??= this.#refresh().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #refresh(): Promise<void> {
    const existing = this.subscription.kind === 'pattern' ? await this.io.listTopics() : [];
    const change = subscriptionChange(this.#topics, topicsToConsume(this.subscription, existing, this.own));
    if (change === null) return;
    await this.io.prepare(change.added);
    await this.io.consume(change.topics, change);
    this.#topics = change.topics;
  }

  /** Stops watching; waits for a refresh in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }
}
