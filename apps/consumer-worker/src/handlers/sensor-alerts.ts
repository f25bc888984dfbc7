import { z } from 'zod';
import type { Handler, HandlerFactory, HandlerOutput, HandlerRecord } from './handler.js';
import { parseHandlerOptions } from './handler-options.js';
import { sequenceHeadersOf } from './pass-through.js';

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
  /** Tumbling window length for per-sensor statistics, milliseconds (0 turns stats off). */
  windowMs: number;
  /** Sensors whose open window a thread keeps; the least recently started is dropped beyond. */
  maxSensors: number;
}

export const defaultSensorAlertsOptions = {
  alertsTopic: '',
  statsTopic: '',
  windowMs: 60_000,
  maxSensors: 100_000,
} satisfies SensorAlertsOptions;

const optionsSchema = z.object({
  alertsTopic: z.string().default(defaultSensorAlertsOptions.alertsTopic),
  statsTopic: z.string().default(defaultSensorAlertsOptions.statsTopic),
  windowMs: z.coerce.number().int().nonnegative().default(defaultSensorAlertsOptions.windowMs),
  maxSensors: z.coerce.number().int().positive().default(defaultSensorAlertsOptions.maxSensors),
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
}

/** Whether a reading leaves its type's range, and on which side. */
export function breachOf(reading: Pick<SensorReadingInput, 'type' | 'value'>): 'above' | 'below' | undefined {
  const range = SENSOR_THRESHOLDS[reading.type];
  if (reading.value > range.max) return 'above';
  if (reading.value < range.min) return 'below';
  return undefined;
}

interface OpenWindow {
  type: SensorType;
  startMs: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  alerts: number;
}

function closeWindow(sensorId: string, window: OpenWindow, windowMs: number): SensorWindowStats {
  return {
    kind: 'sensor-window-stats',
    sensorId,
    type: window.type,
    windowStartMs: window.startMs,
    windowEndMs: window.startMs + windowMs,
    count: window.count,
    min: window.min,
    max: window.max,
    mean: window.sum / window.count,
    alerts: window.alerts,
  };
}

/**
 * Threshold alerts and windowed statistics over sensor readings.
 *
 * - Each reading outside `SENSOR_THRESHOLDS` yields one alert record (key: the sensor id), with
 *   the input's sequence headers. A value that is not a valid reading throws, so it is retried
 *   and dead-lettered like any failure.
 * - Statistics (only with a `statsTopic`): tumbling windows of `windowMs` by reading time, per sensor. When a reading of a
 *   later window arrives, the sensor's previous window is emitted. The state lives in the worker
 *   thread, so it is per thread and approximate: in key ordering mode a sensor's readings stay
 *   in order but may run on different threads, each of which then holds a partial window; a
 *   window still open at shutdown, or a reading of an already closed window (late, or retried),
 *   is not merged. Exact statistics would need a keyed state store, which this toolkit does
 *   not have.
 */
const createSensorAlertsHandler: HandlerFactory = (options): Handler => {
  const { alertsTopic, statsTopic, windowMs, maxSensors } = parseHandlerOptions('sensor-alerts', optionsSchema, options);
  const windows = new Map<string, OpenWindow>();

  function track(reading: SensorReadingInput, alert: boolean, outputs: HandlerOutput[]): void {
    const startMs = reading.ts - (reading.ts % windowMs);
    let window = windows.get(reading.sensorId);
    if (window !== undefined && window.startMs < startMs) {
      const stats = closeWindow(reading.sensorId, window, windowMs);
      outputs.push({ key: reading.sensorId, value: stats, topic: statsTopic });
      windows.delete(reading.sensorId);
      window = undefined;
    }
    // a reading older than the open window (late, or a retry) is not counted: see the JSDoc
    if (window !== undefined && window.startMs > startMs) return;
    if (window === undefined) {
      if (windows.size >= maxSensors) {
        const oldest = windows.keys().next();
        if (oldest.done !== true) windows.delete(oldest.value);
      }
      window = { type: reading.type, startMs, count: 0, min: Infinity, max: -Infinity, sum: 0, alerts: 0 };
      windows.set(reading.sensorId, window);
    }
    window.count += 1;
    window.sum += reading.value;
    window.min = Math.min(window.min, reading.value);
    window.max = Math.max(window.max, reading.value);
    if (alert) window.alerts += 1;
  }

  return {
    handle(record: HandlerRecord) {
      const parsed = readingSchema.safeParse(record.value);
      if (!parsed.success) {
        throw new Error(`not a sensor reading: ${z.prettifyError(parsed.error).replace(/\s+/g, ' ')}`);
      }
      const reading = parsed.data;
      const outputs: HandlerOutput[] = [];
      const breach = breachOf(reading);
      if (breach !== undefined) {
        const range = SENSOR_THRESHOLDS[reading.type];
        const alert: SensorAlert = { kind: 'sensor-alert', sensorId: reading.sensorId, type: reading.type, value: reading.value, breach, min: range.min, max: range.max, ts: reading.ts };
        outputs.push({ key: reading.sensorId, value: alert, headers: sequenceHeadersOf(record), ...(alertsTopic ? { topic: alertsTopic } : {}) });
      }
      if (windowMs > 0 && statsTopic !== '') track(reading, breach !== undefined, outputs);
      return outputs;
    },
  };
};

export default createSensorAlertsHandler;
