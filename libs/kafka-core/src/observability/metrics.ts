import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';

/** Shared metric names; each app keeps its own names in one file beside its metrics. */
export const CORE_METRICS = {
  buildInfo: 'lagscale_build_info',
} as const;

export interface RegistryOptions {
  app: string;
  version?: string;
  /** Process metrics (CPU, memory, event loop lag, GC); off in unit tests for speed. */
  defaultMetrics?: boolean;
}

/** One prom-client registry per app, labelled with the app name, never the global default. */
export function createRegistry(options: RegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app: options.app });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: CORE_METRICS.buildInfo,
    help: 'Build information; always 1',
    labelNames: ['version', 'node'],
    registers: [registry],
  });
  info.set({ version: options.version ?? '0.0.0', node: process.version }, 1);
  return registry;
}
