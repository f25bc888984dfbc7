import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { codecNames, compressionNames } from '@lagscale/codecs';
import { collectEnv, ConfigError, defaultOpsServerOptions, envVar, optionalEnvVar, parsers } from '@lagscale/kafka-core';
import { ACKS_VALUES, defaultRecordProducerOptions } from '../producer/record-producer.js';
import { defaultKeyChooserOptions, defaultProfileOptions, KEY_DISTRIBUTIONS, PROFILE_KINDS } from '../schedule/index.js';
import { defaultWorkloadOptions, WORKLOAD_NAMES } from '../workloads/index.js';

/** `--rate max` (or 0) means as fast as the broker takes it: no schedule, only the count. */
const rateParser = parsers.string().refine((s) => s.toLowerCase() === 'max' || (/^\d+(\.\d+)?$/.test(s) && Number(s) >= 0), {
  error: 'must be a number of records per second ≥ 0, or "max"',
});

/**
 * Defaults of the run settings no component owns; every other default is read from its
 * component's defaults object (record producer, rate profile, key chooser, workload).
 */
export const defaultGeneratorSettings = {
  workload: 'user-events',
  metricsPort: 9_465,
  metricsHost: defaultOpsServerOptions.host,
  progressIntervalMs: 5_000,
  partitioner: 'murmur2',
} as const;

/** Settings of `producer-gen run`, each a flag (key) and an env variable. */
export const generatorEnv = {
  topic: envVar('PRODUCER_TOPIC', parsers.string(), { description: 'Topic to produce to' }),
  partitions: optionalEnvVar('PRODUCER_PARTITIONS', parsers.int(1, 10_000), {
    description: 'Create the topic with this many partitions if it does not exist; more than it has grows it (keys then move to other partitions; a warning says so)',
  }),
  workload: envVar('PRODUCER_WORKLOAD', parsers.oneOf(WORKLOAD_NAMES), { description: 'user-events, sensor-readings or bytes', default: defaultGeneratorSettings.workload }),
  codec: optionalEnvVar('PRODUCER_CODEC', parsers.oneOf(codecNames), { description: 'Value codec (default: json; bytes for the bytes workload)' }),
  compression: envVar('PRODUCER_COMPRESSION', parsers.oneOf(compressionNames), { description: 'none, gzip, snappy, lz4 or zstd', default: defaultRecordProducerOptions.compression }),
  acks: envVar('PRODUCER_ACKS', parsers.oneOf(ACKS_VALUES), { description: 'all, 1 or 0', default: defaultRecordProducerOptions.acks }),
  idempotent: envVar('PRODUCER_IDEMPOTENT', parsers.bool(), {
    description: 'Idempotent producer: retries neither duplicate nor reorder (needs acks=all; off unless asked for with acks 1 or 0)',
    default: defaultRecordProducerOptions.idempotent,
  }),
  batchRecords: envVar('PRODUCER_BATCH_RECORDS', parsers.int(1, 1_000_000), { description: 'Records per partition that fill a batch', default: defaultRecordProducerOptions.batchRecords }),
  batchBytes: envVar('PRODUCER_BATCH_BYTES', parsers.int(1_024, 64 * 1024 * 1024), { description: 'Bytes per partition that fill a batch; keep under the broker message.max.bytes (1 MiB by default)', default: defaultRecordProducerOptions.batchBytes }),
  lingerMs: envVar('PRODUCER_LINGER_MS', parsers.int(0, 60_000), { description: 'Longest wait for a batch to fill (ms)', default: defaultRecordProducerOptions.lingerMs }),
  deliveryTimeout: envVar('PRODUCER_DELIVERY_TIMEOUT', parsers.durationMs(), {
    description: 'How long a record may take to be acknowledged, retries included, before it counts as failed (e.g. 120s)',
    default: defaultRecordProducerOptions.deliveryTimeoutMs,
  }),
  bufferBytes: envVar('PRODUCER_BUFFER_BYTES', parsers.int(64 * 1024, 2 * 1024 * 1024 * 1024), {
    description: 'Bytes of records buffered or awaiting acknowledgement; the generator waits above it',
    default: defaultRecordProducerOptions.bufferBytes,
  }),
  maxInFlight: envVar('PRODUCER_MAX_IN_FLIGHT', parsers.int(1, 64), {
    description: 'Produce requests in flight at once; at most 5 with idempotence (a failed batch is resent with its sequence numbers before later ones). Without idempotence a retried request may land after a later one',
    default: defaultRecordProducerOptions.maxInFlightRequests,
  }),
  partitioner: envVar('PRODUCER_PARTITIONER', parsers.string(), {
    description: 'murmur2 (by key, as the Java client), round-robin, random, or the path of a module exporting a partitioner',
    default: defaultGeneratorSettings.partitioner,
  }),
  rate: envVar('PRODUCER_RATE', rateParser, { description: 'Records per second (the base rate of the profile), or "max"', default: String(defaultProfileOptions.rate) }),
  profile: envVar('PRODUCER_PROFILE', parsers.oneOf(PROFILE_KINDS), { description: 'constant, ramp, step, spike or trace', default: defaultProfileOptions.profile }),
  peakRate: optionalEnvVar('PRODUCER_PEAK_RATE', parsers.number(0), { description: 'Peak rate of spike, end rate of ramp, second rate of step' }),
  rampDuration: optionalEnvVar('PRODUCER_RAMP_DURATION', parsers.duration(), { description: 'ramp: time from --rate to --peak-rate' }),
  spikeAt: optionalEnvVar('PRODUCER_SPIKE_AT', parsers.duration(), { description: 'spike/step: when the peak starts' }),
  spikeDuration: optionalEnvVar('PRODUCER_SPIKE_DURATION', parsers.duration(), { description: 'spike: how long the peak lasts' }),
  steps: optionalEnvVar('PRODUCER_STEPS', parsers.string(), { description: 'step: time:rate pairs, e.g. 0s:1000,30s:5000,1m:2000' }),
  traceFile: optionalEnvVar('PRODUCER_TRACE_FILE', parsers.string(), { description: 'trace: CSV "seconds,rate" lines or JSON [{atMs,rate}]' }),
  duration: optionalEnvVar('PRODUCER_DURATION', parsers.duration(), { description: 'Stop after this long (a duration: 60s, 5m); this or --count is required' }),
  count: optionalEnvVar('PRODUCER_COUNT', parsers.int(1), { description: 'Stop after this many records' }),
  keys: envVar('PRODUCER_KEYS', parsers.int(1, 100_000_000), { description: 'Distinct keys', default: defaultKeyChooserOptions.keyCount }),
  keyDistribution: envVar('PRODUCER_KEY_DISTRIBUTION', parsers.oneOf(KEY_DISTRIBUTIONS), { description: 'uniform, zipf or hot (one key)', default: defaultKeyChooserOptions.kind }),
  zipfSkew: envVar('PRODUCER_ZIPF_SKEW', parsers.number(0.01, 10), { description: 'Zipf exponent s for --key-distribution zipf', default: defaultKeyChooserOptions.skew }),
  hotKey: envVar('PRODUCER_HOT_KEY', parsers.int(0), { description: 'Key index of --key-distribution hot', default: defaultKeyChooserOptions.hotKey }),
  recordBytes: envVar('PRODUCER_RECORD_BYTES', parsers.int(1, 10 * 1024 * 1024), { description: 'Value size of the bytes workload', default: defaultWorkloadOptions.sizeBytes }),
  outOfRangeRate: envVar('PRODUCER_OUT_OF_RANGE_RATE', parsers.number(0, 1), { description: 'Share of sensor readings out of range', default: defaultWorkloadOptions.outOfRangeRate }),
  producerId: optionalEnvVar('PRODUCER_ID', parsers.string(), { description: 'Producer id in the sequence headers (default: host-pid-random)' }),
  seed: envVar('PRODUCER_SEED', parsers.int(0), { description: 'Random seed of keys and values', default: defaultWorkloadOptions.seed }),
  metricsPort: envVar('PRODUCER_METRICS_PORT', parsers.int(0, 65_535), { description: 'Port of /metrics /healthz /readyz (0: any free port)', default: defaultGeneratorSettings.metricsPort }),
  metricsHost: envVar('PRODUCER_METRICS_HOST', parsers.string(), { description: 'Address of the metrics server', default: defaultGeneratorSettings.metricsHost }),
  progressIntervalMs: envVar('PRODUCER_PROGRESS_INTERVAL_MS', parsers.int(100, 3_600_000), { description: 'Progress line interval when not on a terminal', default: defaultGeneratorSettings.progressIntervalMs }),
};

type Values = { [K in keyof typeof generatorEnv]: ReturnType<(typeof generatorEnv)[K]['schema']['parse']> };
export type GeneratorSettings = Omit<Values, 'rate' | 'producerId'> & { rate: number | 'max'; producerId: string };

export function defaultProducerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** Reads and checks the run settings; ConfigError lists every problem by variable. */
export function loadGeneratorSettings(source: Record<string, string | undefined> = process.env): GeneratorSettings {
  const { values, problems } = collectEnv(generatorEnv, source);
  // Idempotence is the default with acks=all; asking for acks 1 or 0 turns it off unless it was
  // asked for as well (as the Java producer does since 3.0).
  const idempotenceAsked = (source[generatorEnv.idempotent.name] ?? '').trim() !== '';
  if (values.acks !== undefined && values.acks !== 'all') {
    if (idempotenceAsked && values.idempotent === true) problems.push('PRODUCER_IDEMPOTENT needs PRODUCER_ACKS=all');
    else values.idempotent = false;
  }
  if (values.deliveryTimeout !== undefined && values.lingerMs !== undefined && values.deliveryTimeout < values.lingerMs + 1_000) {
    problems.push(`PRODUCER_DELIVERY_TIMEOUT must be at least PRODUCER_LINGER_MS + 1s (got ${values.deliveryTimeout} ms)`);
  }
  // Profile settings are checked by parseProfile, which names each flag.
  const rate = values.rate === undefined ? undefined : values.rate.toLowerCase() === 'max' || Number(values.rate) === 0 ? 'max' : Number(values.rate);
  if (rate === 'max' && values.profile !== undefined && values.profile !== 'constant') problems.push('PRODUCER_RATE=max only goes with the constant profile');
  if (values.duration === undefined && values.count === undefined) {
    problems.push('PRODUCER_DURATION or PRODUCER_COUNT is required (a run must end)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(values as Values), rate: rate ?? defaultProfileOptions.rate, producerId: values.producerId ?? defaultProducerId() } as GeneratorSettings;
}
