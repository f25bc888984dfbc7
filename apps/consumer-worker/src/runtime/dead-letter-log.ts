import type { Logger } from '@lagscale/kafka-core';

/** How often the dead letters of a burst are summed up into one line per input topic. */
export const DEAD_LETTER_LOG_INTERVAL_MS = 10_000;

/** Why a record was dead-lettered, read from the reason the dispatcher gives (see dispatch/recovery.ts). */
export type DeadLetterCause = 'undecodable' | 'not retriable' | 'worker crash' | 'out of attempts';

export function deadLetterCause(reason: string): DeadLetterCause {
  if (reason.startsWith('undecodable: ')) return 'undecodable';
  if (reason.startsWith('not retriable: ')) return 'not retriable';
  if (reason.startsWith('worker crashed ')) return 'worker crash';
  return 'out of attempts';
}

export interface DeadLetteredRecord {
  topic: string;
  partition: number;
  offset: number;
}

interface Burst {
  count: number;
  causes: Map<DeadLetterCause, number>;
  first: { partition: number; offset: number; reason: string };
}

/**
 * Dead letters as log lines a person can read through a flood: per input topic, the first dead
 * letter of a quiet period is logged at once with its record and reason; the ones after it are
 * counted, and `flush()` (every `DEAD_LETTER_LOG_INTERVAL_MS`, and at shutdown) logs one line per
 * topic with their number by cause and the first of them. A topic of thousands of records a
 * handler cannot parse gives a few lines, not one per record.
 */
export class DeadLetterLog {
  readonly #bursts = new Map<string, Burst>();
  /** Topics that logged a dead letter at once in the current interval. */
  readonly #announced = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly dlqTopicOf: (topic: string) => string,
    private readonly intervalMs = DEAD_LETTER_LOG_INTERVAL_MS,
  ) {}

  record(record: DeadLetteredRecord, reason: string, attempts: number): void {
    const cause = deadLetterCause(reason);
    if (!this.#announced.has(record.topic)) {
      this.#announced.add(record.topic);
      const dlqTopic = this.dlqTopicOf(record.topic);
      this.logger.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, attempts, cause, reason, dlqTopic },
        `dead-lettered ${record.topic}[${record.partition}]@${record.offset} to ${dlqTopic} (${cause}, ${attempts} attempt${attempts === 1 ? '' : 's'}): ${short(reason)}; more of ${record.topic} within ${this.intervalMs / 1_000} s are counted into one line`,
      );
      return;
    }
    let burst = this.#bursts.get(record.topic);
    if (burst === undefined) {
      burst = { count: 0, causes: new Map(), first: { partition: record.partition, offset: record.offset, reason } };
      this.#bursts.set(record.topic, burst);
    }
    burst.count += 1;
    burst.causes.set(cause, (burst.causes.get(cause) ?? 0) + 1);
  }

  /** Logs one line per topic for the dead letters counted since the last flush, and starts a new interval. */
  flush(): void {
    for (const [topic, burst] of this.#bursts) {
      const causes = [...burst.causes].map(([cause, count]) => `${count} ${cause}`).join(', ');
      const { partition, offset, reason } = burst.first;
      this.logger.warn(
        { topic, records: burst.count, causes: Object.fromEntries(burst.causes), first: { partition, offset, reason }, dlqTopic: this.dlqTopicOf(topic) },
        `${burst.count} more records of ${topic} dead-lettered to ${this.dlqTopicOf(topic)} (${causes}; first: [${partition}]@${offset}: ${short(reason)})`,
      );
    }
    this.#bursts.clear();
    this.#announced.clear();
  }
}

const MAX_REASON_CHARS = 200;

// A reason can quote the record's value; a log line wants it bounded.
function short(reason: string): string {
  return reason.length <= MAX_REASON_CHARS ? reason : `${reason.slice(0, MAX_REASON_CHARS - 1)}…`;
}
