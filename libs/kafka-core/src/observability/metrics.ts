import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { kafkajsForkIfLoaded, loadedKafkajs, type KafkajsForkCounters } from '../client/kafkajs-fork.js';

export { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';

/** Shared metric names; each app keeps its own names in one file beside its metrics. */
export const CORE_METRICS = {
  buildInfo: 'lagscale_build_info',
  kafkajsInfo: 'lagscale_kafkajs_info',
  kafkajsProducedRecordBatches: 'lagscale_kafkajs_produced_record_batches_total',
  kafkajsRawRecordSets: 'lagscale_kafkajs_raw_record_sets_total',
} as const;

export interface RegistryOptions {
  app: string;
  version?: string;
  /** Process metrics (CPU, memory, event loop lag, GC); off in unit tests for speed. */
  defaultMetrics?: boolean;
  /** More labels on every series (a consumer's group and topic), beside `app`. */
  labels?: Record<string, string>;
}

/** One prom-client registry per app, labelled with the app name, never the global default. */
export function createRegistry(options: RegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ ...options.labels, app: options.app });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: CORE_METRICS.buildInfo,
    help: 'Build information; always 1',
    labelNames: ['version', 'node'],
    registers: [registry],
  });
  info.set({ version: options.version ?? '0.0.0', node: process.version }, 1);
  registerKafkajsMetrics(registry);
  return registry;
}

/**
 * Which kafkajs the process runs and how often it took our fork's own paths (vendor/kafkajs):
 * the produce fast path and record sets fetched undecoded. Read from the fork at scrape time.
 */
function registerKafkajsMetrics(registry: Registry): void {
  const fork = kafkajsForkIfLoaded();
  new Gauge({
    name: CORE_METRICS.kafkajsInfo,
    help: 'The kafkajs this process loaded: its version and the lagscale features it has (none: not vendor/kafkajs); always 1',
    labelNames: ['version', 'features'],
    registers: [registry],
  }).set({ version: fork?.version ?? loadedKafkajs().version, features: fork?.features.join(',') ?? '' }, 1);
  const counter = (name: string, help: string, read: (counts: KafkajsForkCounters) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(fork === undefined ? 0 : read(fork.counters()));
      },
    });
  counter(CORE_METRICS.kafkajsProducedRecordBatches, 'Record batches kafkajs wrote on the produce fast path (records back to back in one encoder)', (c) => c.producedRecordBatches);
  counter(CORE_METRICS.kafkajsRawRecordSets, 'Partition record sets kafkajs fetched undecoded (rawRecordSets), read in place by the consumer', (c) => c.rawRecordSets);
}
