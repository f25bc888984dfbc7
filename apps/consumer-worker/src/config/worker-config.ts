import { Option, type Command } from 'commander';
import { collectEnv, ConfigError, envVar, optionalEnvVar, OFFSET_RESET_POLICIES, parsers, type FlagBinding } from '@lagscale/kafka-core';
import { defaultBackpressureOptions, defaultDispatcherOptions, defaultRetryOptions, ORDERING_MODES } from '../dispatch/index.js';
import { builtInHandlerNames } from '../handlers/registry.js';
import { defaultWorkerPoolOptions } from '../pool/pool-options.js';
import { KEYED_STATE_MODES } from '../pool/keyed-routing.js';
import { compileTopicPattern, defaultTopicSubscriptionOptions, dlqTopicOf, type Subscription } from '../runtime/topic-subscription.js';

/**
 * Every consumer-worker setting, each a flag (its key) and an env variable. Defaults come from the
 * options types' defaults objects (pool, dispatcher, backpressure, retry), which the README's
 * table is generated from too.
 */
export const workerEnv = {
  topic: optionalEnvVar('CONSUMER_TOPIC', parsers.string(), { description: 'Topic to consume (or CONSUMER_TOPIC_PATTERN)' }),
  topicPattern: optionalEnvVar('CONSUMER_TOPIC_PATTERN', parsers.string(), {
    description: 'Consume every topic whose whole name matches this regular expression, and those created later (instead of CONSUMER_TOPIC)',
  }),
  topicRefreshIntervalMs: envVar('CONSUMER_TOPIC_REFRESH_INTERVAL_MS', parsers.int(100, 3_600_000), {
    description: 'With a topic pattern: how often the topic list is read to find new matching topics (ms)',
    default: defaultTopicSubscriptionOptions.refreshIntervalMs,
  }),
  topicWaitMs: envVar('CONSUMER_TOPIC_WAIT_MS', parsers.durationMs(), {
    description: 'At start, how long to wait for CONSUMER_TOPIC to be created (not ready meanwhile) before exiting with TOPIC_NOT_FOUND; 0: exit at once (ms, or 30s, 5m)',
    default: defaultTopicSubscriptionOptions.topicWaitMs,
  }),
  groupId: envVar('CONSUMER_GROUP_ID', parsers.string(), { description: 'Consumer group id', default: 'lagscale-workers' }),
  outputTopic: optionalEnvVar('CONSUMER_OUTPUT_TOPIC', parsers.string(), { description: 'Topic handler outputs go to (unset: outputs are an error unless they name a topic)' }),
  dlqTopic: optionalEnvVar('CONSUMER_DLQ_TOPIC', parsers.string(), { description: 'Dead-letter topic (default: <topic>.dlq, per input topic)' }),
  handler: envVar('CONSUMER_HANDLER', parsers.string(), { description: `Handler: ${builtInHandlerNames.join(', ')} (built-ins, listed under the options), or a module path`, default: defaultWorkerPoolOptions.handler }),
  handlerOptions: optionalEnvVar('CONSUMER_HANDLER_OPTIONS', parsers.string(), { description: "Handler options as key=value,key=value (each built-in handler's options: listed under the options, and in the README)" }),
  threads: envVar('CONSUMER_THREADS', parsers.int(1, 256), { description: 'Worker threads', default: defaultWorkerPoolOptions.threads }),
  chunkSize: envVar('CONSUMER_CHUNK_SIZE', parsers.int(1, 100_000), { description: 'Records per task sent to a thread', default: defaultDispatcherOptions.chunkSize }),
  ordering: envVar('CONSUMER_ORDERING', parsers.oneOf(ORDERING_MODES), { description: 'key, partition or unordered', default: defaultDispatcherOptions.ordering }),
  keyedState: envVar('CONSUMER_KEYED_STATE', parsers.oneOf(KEYED_STATE_MODES), {
    description: 'Run every key on one thread while its partition stays assigned, so per-key handler state is exact: on, off, or auto (on for handlers that declare state, as sensor-alerts)',
    default: defaultWorkerPoolOptions.keyedState,
  }),
  highWaterMark: envVar('CONSUMER_HIGH_WATER_MARK', parsers.int(1), {
    description: 'Uncommitted records of a partition (fetched, not yet committable) that pause it',
    default: defaultBackpressureOptions.highWaterMark,
  }),
  lowWaterMark: envVar('CONSUMER_LOW_WATER_MARK', parsers.int(0), { description: 'Uncommitted records of a partition under which it resumes', default: defaultBackpressureOptions.lowWaterMark }),
  maxUncommittedRecords: envVar('CONSUMER_MAX_UNCOMMITTED_RECORDS', parsers.int(1), {
    description: 'Uncommitted records over all partitions (fetched, not yet committable: what a crash can redeliver) that pause every partition',
    default: defaultBackpressureOptions.maxUncommittedRecords,
  }),
  maxUncommittedBytes: envVar('CONSUMER_MAX_UNCOMMITTED_BYTES', parsers.int(1_024), {
    description: 'Key+value bytes of the uncommitted records that pause every partition',
    default: defaultBackpressureOptions.maxUncommittedBytes,
  }),
  maxAttempts: envVar('CONSUMER_MAX_ATTEMPTS', parsers.int(1, 100), { description: 'Handler attempts before a record goes to the DLQ (an error that is not retriable: 1)', default: defaultRetryOptions.maxAttempts }),
  retryBaseMs: envVar('CONSUMER_RETRY_BASE_MS', parsers.int(1, 600_000), { description: 'First retry backoff (ms), doubled per attempt', default: defaultRetryOptions.retryBaseMs }),
  retryMaxMs: envVar('CONSUMER_RETRY_MAX_MS', parsers.int(1, 3_600_000), { description: 'Largest retry backoff (ms)', default: defaultRetryOptions.retryMaxMs }),
  commitIntervalMs: envVar('CONSUMER_COMMIT_INTERVAL_MS', parsers.int(10, 600_000), { description: 'How often completed offsets are committed (ms)', default: 1_000 }),
  offsetReset: envVar('CONSUMER_OFFSET_RESET', parsers.oneOf(OFFSET_RESET_POLICIES), { description: 'Where a group without commits starts: earliest or latest', default: 'earliest' }),
  sessionTimeoutMs: envVar('CONSUMER_SESSION_TIMEOUT_MS', parsers.int(6_000, 300_000), { description: 'Group session timeout (ms)', default: 30_000 }),
  shutdownTimeoutMs: envVar('CONSUMER_SHUTDOWN_TIMEOUT_MS', parsers.int(100, 600_000), {
    description: 'SIGTERM: the whole stop (finish the running chunks, commit, leave the group) must end within this, or the process exits 3 (ms)',
    default: 30_000,
  }),
  metricsPort: envVar('CONSUMER_METRICS_PORT', parsers.int(0, 65_535), { description: 'Port of /metrics /healthz /readyz (0: any free port)', default: 9466 }),
  metricsHost: envVar('CONSUMER_METRICS_HOST', parsers.string(), { description: 'Address of the metrics server', default: '127.0.0.1' }),
  progressIntervalMs: envVar('CONSUMER_PROGRESS_INTERVAL_MS', parsers.int(0, 3_600_000), { description: 'Progress log line interval (0: off)', default: 10_000 }),
};

type Values = { [K in keyof typeof workerEnv]: ReturnType<(typeof workerEnv)[K]['schema']['parse']> };
export type WorkerSettings = Omit<Values, 'handlerOptions' | 'dlqTopic' | 'topic' | 'topicPattern'> & {
  handlerOptions: Record<string, string>;
  /** What to consume: one topic, or every topic a pattern matches (now and later). */
  subscription: Subscription;
  /** The dead-letter topic when set (CONSUMER_DLQ_TOPIC); unset: `<topic>.dlq` per input topic (`dlqTopicOf`). */
  dlqTopic: string | undefined;
};

/** Settings renamed so that one word names one quantity; the old names still work, each with a deprecation line. */
export const renamedWorkerSettings = [
  { env: 'CONSUMER_MAX_IN_FLIGHT_RECORDS', flag: 'max-in-flight-records', now: 'maxUncommittedRecords' },
  { env: 'CONSUMER_MAX_IN_FLIGHT_BYTES', flag: 'max-in-flight-bytes', now: 'maxUncommittedBytes' },
] as const satisfies ReadonlyArray<{ env: string; flag: string; now: keyof typeof workerEnv }>;

const flagOf = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Hidden flags for the renamed settings' old names, read like the others (`flagSource`). */
export function addRenamedWorkerFlags(command: Command): FlagBinding[] {
  return renamedWorkerSettings.map(({ env, flag, now }) => {
    command.addOption(new Option(`--${flag} <value>`, `deprecated: use --${flagOf(now)}`).hideHelp());
    return { flag, spec: envVar(env, parsers.string(), { description: `deprecated name of ${workerEnv[now].name}` }) };
  });
}

/** The default for a deprecation line: a process warning, printed once per name. */
function warnDeprecated(line: string): void {
  process.emitWarning(line, { type: 'DeprecationWarning', code: 'LAGSCALE_RENAMED_SETTING' });
}

/**
 * `source` with the renamed settings' old names read as their new ones (a new name, when set too,
 * wins), and a deprecation line per old name used, naming the new one.
 */
function withRenamedSettings(source: Record<string, string | undefined>, onDeprecated: (line: string) => void): Record<string, string | undefined> {
  const renamed = { ...source };
  for (const { env, flag, now } of renamedWorkerSettings) {
    const raw = source[env];
    if (raw === undefined || raw.trim() === '') continue;
    const name = workerEnv[now].name;
    const current = source[name];
    if (current === undefined || current.trim() === '') {
      renamed[name] = raw;
      onDeprecated(`${env} / --${flag} is deprecated: use ${name} / --${flagOf(now)} (read as it for now)`);
    } else onDeprecated(`${env} / --${flag} is deprecated and ignored: ${name} / --${flagOf(now)} is set`);
  }
  return renamed;
}

export function parseHandlerOptionList(raw: string, problems: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      problems.push(`CONSUMER_HANDLER_OPTIONS must be key=value pairs separated by commas (got "${raw}")`);
      break;
    }
    options[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return options;
}

/**
 * Reads and checks the settings; ConfigError lists every problem by variable. An old name of a
 * renamed setting is read as the new one and reported to `onDeprecated` (default: a process
 * warning).
 */
export function loadWorkerSettings(source: Record<string, string | undefined> = process.env, onDeprecated: (line: string) => void = warnDeprecated): WorkerSettings {
  const { values, problems } = collectEnv(workerEnv, withRenamedSettings(source, onDeprecated));
  const handlerOptions = parseHandlerOptionList(values.handlerOptions ?? '', problems);
  if (values.lowWaterMark !== undefined && values.highWaterMark !== undefined && values.lowWaterMark >= values.highWaterMark) {
    problems.push(`CONSUMER_LOW_WATER_MARK must be below CONSUMER_HIGH_WATER_MARK (got ${values.lowWaterMark} ≥ ${values.highWaterMark})`);
  }
  if (values.retryBaseMs !== undefined && values.retryMaxMs !== undefined && values.retryBaseMs > values.retryMaxMs) {
    problems.push(`CONSUMER_RETRY_BASE_MS must not exceed CONSUMER_RETRY_MAX_MS (got ${values.retryBaseMs} > ${values.retryMaxMs})`);
  }
  if (values.topic !== undefined && values.outputTopic === values.topic) problems.push('CONSUMER_OUTPUT_TOPIC must differ from CONSUMER_TOPIC');
  let subscription: Subscription | undefined;
  if (values.topic !== undefined && values.topicPattern !== undefined) problems.push('CONSUMER_TOPIC and CONSUMER_TOPIC_PATTERN exclude each other: set one');
  else if (values.topic !== undefined) subscription = { kind: 'topic', topic: values.topic };
  else if (values.topicPattern !== undefined) {
    try {
      subscription = { kind: 'pattern', source: values.topicPattern, pattern: compileTopicPattern(values.topicPattern) };
    } catch (err) {
      problems.push(`CONSUMER_TOPIC_PATTERN must be a regular expression (got "${values.topicPattern}": ${(err as Error).message})`);
    }
  } else problems.push('CONSUMER_TOPIC is required (Topic to consume), or CONSUMER_TOPIC_PATTERN');
  if (problems.length > 0 || subscription === undefined) throw new ConfigError(problems);
  const { topic: _topic, topicPattern: _topicPattern, ...v } = values as Values;
  return { ...v, subscription, handlerOptions, dlqTopic: v.dlqTopic ?? (values.topic === undefined ? undefined : dlqTopicOf({ dlqTopic: undefined }, values.topic)) };
}
