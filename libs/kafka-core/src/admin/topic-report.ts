import type { Logger } from '../observability/logger.js';
import type { EnsureTopicResult } from './topics.js';

/** The log line for what `ensureTopic` did: a pure function, so each case is tested as a row. */
export interface TopicReport {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * What a person running the app needs to know about a topic it ensured: one info line for a
 * topic created, a warning for partitions added to an existing topic (a keyed record's
 * partition is murmur2(key) mod the count, so most keys now go to other partitions than
 * before), one info line for a topic that was there. `what` names its role (`dead-letter topic`).
 */
export function topicReport(result: EnsureTopicResult, what = 'topic'): TopicReport {
  const fields = { topic: result.topic, partitions: result.partitions };
  if (result.created) return { level: 'info', message: `created ${what} ${result.topic} with ${result.partitions} partitions`, fields };
  if (result.grownFrom !== undefined) {
    return {
      level: 'warn',
      message:
        `grew ${what} ${result.topic} from ${result.grownFrom} to ${result.partitions} partitions: keys move to other partitions ` +
        `(partition = hash of the key mod the count), so a key's new records land apart from its old ones and ` +
        `its order across the change is not kept; partitions can never be removed again`,
      fields: { ...fields, grownFrom: result.grownFrom },
    };
  }
  return { level: 'info', message: `${what} ${result.topic} exists with ${result.partitions} partitions`, fields };
}

/**
 * Logs `topicReport(result, what)`; a topic that was simply there at `existingLevel` (an app that
 * ensures its side topics on every start logs them at debug).
 */
export function logTopicReport(logger: Logger, result: EnsureTopicResult, what?: string, existingLevel: 'info' | 'debug' = 'info'): void {
  const { level, message, fields } = topicReport(result, what);
  const existing = !result.created && result.grownFrom === undefined;
  logger[existing ? existingLevel : level](fields, message);
}
