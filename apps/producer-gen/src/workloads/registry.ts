import type { CodecName } from '@lagscale/codecs';
import { ConfigError } from '@lagscale/kafka-core/errors';
import type { z } from 'zod';
import { bytesValueSchema, createBytesWorkload } from './bytes.js';
import { createSensorReadingsWorkload, sensorReadingSchema, type SensorReading } from './sensor-readings.js';
import { createUserEventsWorkload, userEventSchema, type UserEvent } from './user-events.js';
import { validateWorkloadOptions, WORKLOAD_NAMES, type Workload, type WorkloadName, type WorkloadOptions } from './workload.js';

/** The value type each workload generates. */
export interface WorkloadValues {
  'user-events': UserEvent;
  'sensor-readings': SensorReading;
  bytes: Buffer;
}

/** What a producer or consumer needs to know about a workload besides its values. */
export interface WorkloadSpec<T> {
  /** The codec used when none is chosen. */
  readonly defaultCodec: CodecName;
  /** Prefix of its key names (`keyName(index, keyPrefix)`), e.g. `user-000042`. */
  readonly keyPrefix: string;
  /** Validates a decoded value. */
  readonly schema: z.ZodType<T>;
}

export const workloadSpecs = {
  'user-events': { defaultCodec: 'json', keyPrefix: 'user', schema: userEventSchema },
  'sensor-readings': { defaultCodec: 'json', keyPrefix: 'sensor', schema: sensorReadingSchema },
  bytes: { defaultCodec: 'bytes', keyPrefix: 'key', schema: bytesValueSchema },
} as const satisfies { readonly [N in WorkloadName]: WorkloadSpec<WorkloadValues[N]> };

const factories: { readonly [N in WorkloadName]: (options: WorkloadOptions) => Workload<WorkloadValues[N]> } = {
  'user-events': createUserEventsWorkload,
  'sensor-readings': createSensorReadingsWorkload,
  bytes: createBytesWorkload,
};

export function isWorkloadName(value: unknown): value is WorkloadName {
  return typeof value === 'string' && (WORKLOAD_NAMES as readonly string[]).includes(value);
}

/**
 * The named workload with `options` over `defaultWorkloadOptions`. Throws ConfigError naming
 * the flag of each bad option, or `--workload` for a name that is not one of `WORKLOAD_NAMES`.
 */
export function createWorkload<N extends WorkloadName>(name: N, options: Partial<WorkloadOptions> = {}): Workload<WorkloadValues[N]> {
  // the name often comes straight from a flag, whatever its static type says
  if (!isWorkloadName(name)) throw new ConfigError([`--workload must be one of ${WORKLOAD_NAMES.join(', ')} (got "${String(name)}")`]);
  return factories[name](validateWorkloadOptions(options));
}
