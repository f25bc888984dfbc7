import { z } from 'zod';
import { invalidRecord, type Handler, type HandlerFactory, type HandlerOutput, type HandlerRecord } from './handler.js';
import { parseHandlerOptions } from './handler-options.js';
import type { RevokedKeys } from './handler.js';
import { sequenceHeadersOf } from './pass-through.js';
import { SensorWindowStore, type ClosedWindow, type PartialReason } from './sensor-windows.js';

const SENSOR_TYPES = ['temperature', 'humidity', 'pressure'] as const;
type SensorType = (typeof SENSOR_TYPES)[number];

/**
 * Normal range per sensor type: a reading outside it raises an alert. The same numbers as the
 * sensor-readings workload of producer-gen (apps do not import each other).
 */
export const SENSOR_THRESHOLDS = {
  temperature: { min: -40, max: 100 },
  humidity: { min: 0, max: 100 },
  pressure: { min: 870, max: 1_085 },
} as const satisfies Record<SensorType, { min: number; max: number }>;

/** The fields of a sensor reading this handler reads; other fields are ignored. */
const readingSchema = z.object({
  sensorId: z.string().min(1),
  type: z.enum(SENSOR_TYPES),
  value: z.number(),
  ts: z.number().int().nonnegative(),
});

export type SensorReadingInput = z.output<typeof readingSchema>;

export interface SensorAlertsOptions {
  /** Topic for alerts; the output topic when empty. */
  alertsTopic: string;
  /**
   * Topic for window statistics; empty (the default) turns them off, so the output topic holds
   * only alerts (sequenced records that `producer-gen verify` can check).
   */
  statsTopic: string;
  /** Window length for per-sensor statistics, milliseconds (0 turns stats off). */
  windowMs: number;
  /** A new window starts every `slideMs` (sliding windows); 0: every `windowMs` (tumbling). */
  slideMs: number;
  /** Sensors whose open windows a thread keeps; beyond it the least recently started one's are emitted, partial (`evicted`). */
  maxSensors: number;
}

export const defaultSensorAlertsOptions = {
  alertsTopic: '',
  statsTopic: '',
  windowMs: 60_000,
  slideMs: 0,
  maxSensors: 100_000,
} satisfies SensorAlertsOptions;

/** The sensor-alerts handler's options: what it parses, and what `--help` and the README list. */
export const sensorAlertsOptionsSchema = z.object({
  alertsTopic: z.string().default(defaultSensorAlertsOptions.alertsTopic).describe('Topic for alerts (empty: the output topic)'),
  statsTopic: z
    .string()
    .default(defaultSensorAlertsOptions.statsTopic)
    .describe('Topic for per-sensor window statistics (empty: no statistics, so the output topic holds only alerts, which producer-gen verify can check)'),
  windowMs: z.coerce.number().int().nonnegative().default(defaultSensorAlertsOptions.windowMs).describe('Window length of the statistics, ms (0: no statistics)'),
  slideMs: z.coerce.number().int().nonnegative().default(defaultSensorAlertsOptions.slideMs).describe('A new window starts every slideMs (sliding windows); 0: every windowMs (tumbling), ms'),
  maxSensors: z.coerce.number().int().positive().default(defaultSensorAlertsOptions.maxSensors).describe("Sensors whose open windows a thread keeps; beyond, the least recently started is evicted and its open windows emitted partial (evicted)"),
});

/** An alert output's value. */
export interface SensorAlert {
  kind: 'sensor-alert';
  sensorId: string;
  type: SensorType;
  value: number;
  /** Which side of the range the reading left. */
  breach: 'above' | 'below';
  min: number;
  max: number;
  ts: number;
}

/** A closed window's statistics, one output per sensor and window. */
export interface SensorWindowStats {
  kind: 'sensor-window-stats';
  sensorId: string;
  type: SensorType;
  windowStartMs: number;
  windowEndMs: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  alerts: number;
  /** The window may lack readings: see `partialReason` and `PartialReason` in sensor-windows.ts. */
  partial: boolean;
  partialReason?: PartialReason;
}

/** Whether a reading leaves its type's range, and on which side. */
export function breachOf(reading: Pick<SensorReadingInput, 'type' | 'value'>): 'above' | 'below' | undefined {
  const range = SENSOR_THRESHOLDS[reading.type];
  if (reading.value > range.max) return 'above';
  if (reading.value < range.min) return 'below';
  return undefined;
}

function windowStats(closed: ClosedWindow<SensorType>): SensorWindowStats {
  const { window } = closed;
  return {
    kind: 'sensor-window-stats',
    sensorId: closed.sensorId,
    type: closed.tag,
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
    count: window.count,
    min: window.min,
    max: window.max,
    mean: window.sum / window.count,
    alerts: window.alerts,
    partial: closed.partial !== undefined,
    ...(closed.partial === undefined ? {} : { partialReason: closed.partial }),
  };
}

/**
 * Threshold alerts and windowed statistics over sensor readings.
 *
 * - Each reading outside `SENSOR_THRESHOLDS` yields one alert record (key: the sensor id), with
 *   the input's sequence headers. A value that is not a valid reading is dead-lettered at once
 *   (`invalidRecord`: retrying cannot make it one).
 * - Statistics (only with a `statsTopic`): windows of `windowMs` by reading time, per sensor: tumbling, or sliding with a new
 *   window every `slideMs` (`sensor-windows.ts`). A window is emitted when a reading of the sensor
 *   at or past its end arrives.
 * - The handler is stateful (`stateful` below), so keyed state is on by default: every reading
 *   of a key runs on one thread, and a sensor's windows are exact as long as the record key is
 *   the sensor id (as producer-gen's sensor-readings writes it). When the group takes a
 *   partition away, `revoke` emits the open windows of its keys marked partial (`revoked`); the
 *   next owner's first windows of those sensors start mid-window and are marked so too. A
 *   reading of an already closed window (late, or retried after its window closed) is not
 *   counted. With keyed state off, a sensor's readings may run on several threads, each holding
 *   a part of its windows.
 */
const createSensorAlertsHandler: HandlerFactory = (options): Handler => {
  const { alertsTopic, statsTopic, windowMs, slideMs, maxSensors } = parseHandlerOptions('sensor-alerts', sensorAlertsOptionsSchema, options);
  if (windowMs > 0 && slideMs > windowMs) throw new Error(`sensor-alerts handler option slideMs must not exceed windowMs (got ${slideMs} > ${windowMs})`);
  const windows = windowMs > 0 ? new SensorWindowStore<SensorType>({ lengthMs: windowMs, slideMs: slideMs === 0 ? windowMs : slideMs }, maxSensors) : undefined;

  function track(store: SensorWindowStore<SensorType>, reading: SensorReadingInput, alert: boolean, outputs: HandlerOutput[]): void {
    for (const closed of store.add(reading.sensorId, reading.type, reading.ts, reading.value, alert)) {
      outputs.push({ key: closed.sensorId, value: windowStats(closed), topic: statsTopic });
    }
  }

  function revoke({ keys }: RevokedKeys): HandlerOutput[] {
    if (windows === undefined || statsTopic === '') return [];
    const outputs: HandlerOutput[] = [];
    for (const key of keys) {
      if (key === null) continue;
      for (const closed of windows.flush(key, 'revoked')) outputs.push({ key: closed.sensorId, value: windowStats(closed), topic: statsTopic });
    }
    return outputs;
  }

  return {
    handle(record: HandlerRecord) {
      const parsed = readingSchema.safeParse(record.value);
      if (!parsed.success) {
        throw invalidRecord(`not a sensor reading: ${z.prettifyError(parsed.error).replace(/\s+/g, ' ')}`);
      }
      const reading = parsed.data;
      const outputs: HandlerOutput[] = [];
      const breach = breachOf(reading);
      if (breach !== undefined) {
        const range = SENSOR_THRESHOLDS[reading.type];
        const alert: SensorAlert = { kind: 'sensor-alert', sensorId: reading.sensorId, type: reading.type, value: reading.value, breach, min: range.min, max: range.max, ts: reading.ts };
        outputs.push({ key: reading.sensorId, value: alert, headers: sequenceHeadersOf(record), ...(alertsTopic ? { topic: alertsTopic } : {}) });
      }
      if (windows !== undefined && statsTopic !== '') track(windows, reading, breach !== undefined, outputs);
      return outputs;
    },
    revoke,
  };
};

export default createSensorAlertsHandler;

/** Windows per sensor: keyed state is on by default (`HandlerModule.stateful`). */
export const stateful = true;
