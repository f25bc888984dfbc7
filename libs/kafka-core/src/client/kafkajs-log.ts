import kafkajs, { type logCreator } from 'kafkajs';
import type { Logger } from '../observability/logger.js';

const { logLevel: KafkaLogLevel } = kafkajs;

export type OperatorLevel = 'error' | 'warn' | 'info' | 'debug';

/** One kafkajs log entry as its logCreator sees it. */
export interface KafkaJsLogEntry {
  namespace: string;
  /** kafkajs's own level (ERROR 1, WARN 2, INFO 4, DEBUG 5). */
  level: number;
  message: string;
  /** kafkajs puts the error's message here (a string), and its name/type in `error`'s wording. */
  error?: string;
  retriable?: boolean;
}

interface Rule {
  /** What the rule is for, shown in the table test. */
  name: string;
  matches(entry: KafkaJsLogEntry): boolean;
  level: OperatorLevel;
}

const text = (entry: KafkaJsLogEntry) => `${entry.message} ${entry.error ?? ''}`;

/**
 * kafkajs logs what it retries by itself at ERROR and WARN. What an operator should act on is
 * what it gives up on: the app reports that once, with a code and a fix. These rules put the
 * normal life of a consumer group and of a retried connection below info, so a rebalance or a
 * wrong broker does not bury the one line that matters. Anything not listed keeps its level.
 */
export const kafkajsLevelRules: readonly Rule[] = [
  {
    name: 'coordinator not available or loading (every start, every coordinator move)',
    matches: (e) => /coordinator (is )?not (available|aware)|coordinator is loading|not the correct coordinator|GROUP_COORDINATOR_NOT_AVAILABLE|COORDINATOR_LOAD_IN_PROGRESS|NOT_COORDINATOR/i.test(text(e)),
    level: 'debug',
  },
  {
    name: 'the group is rebalancing (heartbeats and commits during a scale event)',
    matches: (e) => /rebalanc|rejoin|REBALANCE_IN_PROGRESS|not aware of this member|UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION|generation/i.test(text(e)),
    level: 'debug',
  },
  {
    name: 'a connection that kafkajs retries (the app reports giving up, once)',
    matches: (e) =>
      /Connection (error|timeout)|Failed to connect|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Closed connection|socket hang up|Request .* timed out/i.test(text(e)),
    level: 'debug',
  },
  {
    name: 'a retriable protocol error kafkajs retries',
    matches: (e) => e.retriable === true && e.level <= KafkaLogLevel.WARN,
    level: 'debug',
  },
  {
    // kafkajs warns at every idempotent producer with a finite `retries`; producer-gen keeps its
    // attempts short on purpose and resends a failed batch itself, with the same sequence numbers,
    // until its delivery timeout (apps/producer-gen/src/producer/delivery-retry.ts).
    name: 'the idempotent producer with limited kafkajs retries (producer-gen retries the batch itself)',
    matches: (e) => e.namespace === 'Producer' && /Limiting retries for the idempotent producer/i.test(e.message),
    level: 'debug',
  },
  {
    name: 'the consumer restarts itself after a retriable crash',
    matches: (e) => /Restarting the consumer/i.test(e.message),
    level: 'info',
  },
];

function ownLevel(level: number): OperatorLevel {
  if (level === KafkaLogLevel.ERROR) return 'error';
  if (level === KafkaLogLevel.WARN) return 'warn';
  if (level === KafkaLogLevel.INFO) return 'info';
  return 'debug';
}

/** The level a kafkajs entry is logged at: the first rule that matches lowers it, never raises. */
export function kafkajsLogLevel(entry: KafkaJsLogEntry): OperatorLevel {
  const own = ownLevel(entry.level);
  if (own === 'debug') return own;
  const rule = kafkajsLevelRules.find((r) => r.matches(entry));
  if (rule === undefined) return own;
  const order: OperatorLevel[] = ['debug', 'info', 'warn', 'error'];
  return order.indexOf(rule.level) < order.indexOf(own) ? rule.level : own;
}

/** kafkajs's logCreator onto the project logger, through `kafkajsLogLevel`; stacks only at debug. */
export function pinoLogCreator(logger: Logger): logCreator {
  const debug = logger.isLevelEnabled('debug');
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, stack, ...extra } = log as typeof log & { stack?: string; logger?: string };
      const target = kafkajsLogLevel({
        namespace,
        level,
        message,
        ...(typeof extra.error === 'string' ? { error: extra.error } : {}),
        ...(typeof extra.retriable === 'boolean' ? { retriable: extra.retriable } : {}),
      });
      if (!logger.isLevelEnabled(target)) return;
      const fields = { kafkajs: namespace, ...extra, ...(debug && stack !== undefined ? { stack } : {}) };
      logger[target](fields, message);
    };
}
