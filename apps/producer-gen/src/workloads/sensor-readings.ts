import { z } from 'zod';
import { hashString, mixSeed, Prng } from './prng.js';
import { weightedPicker } from './weighted-choice.js';
import type { Workload, WorkloadOptions } from './workload.js';

export const SENSOR_TYPES = ['temperature', 'humidity', 'pressure'] as const;
export type SensorType = (typeof SENSOR_TYPES)[number];

export const SENSOR_UNITS = ['°C', '%RH', 'hPa'] as const;
export type SensorUnit = (typeof SENSOR_UNITS)[number];

/**
 * The range each sensor type reports in normal operation; the thresholds an alert handler and
 * tests share. Generated normal readings stay strictly inside (min, max); out-of-range readings
 * are always above `max` (e.g. a temperature over 100 °C). See `isOutOfRange`.
 */
export const SENSOR_RANGES = {
  temperature: { unit: '°C', min: -40, max: 100 },
  humidity: { unit: '%RH', min: 0, max: 100 },
  pressure: { unit: 'hPa', min: 870, max: 1_085 },
} as const satisfies Record<SensorType, { unit: SensorUnit; min: number; max: number }>;

/** One reading of an environmental sensor. */
export interface SensorReading {
  /** The record key itself, so per-key order is per-sensor order. */
  sensorId: string;
  /** Stable per sensor. */
  type: SensorType;
  /** Two decimals; around a per-sensor baseline with a daily swing and noise. */
  value: number;
  /** Always `SENSOR_RANGES[type].unit`. */
  unit: SensorUnit;
  /** Stable per sensor: its site and coordinates (5 decimals, within ~1 km of the site). */
  location: { site: string; lat: number; lon: number };
  /** Reading time, epoch milliseconds (the record's timestamp). */
  ts: number;
}

/** Validates a decoded sensor reading, for consumers that check their input. */
export const sensorReadingSchema = z
  .object({
    sensorId: z.string().min(1),
    type: z.enum(SENSOR_TYPES),
    value: z.number(),
    unit: z.enum(SENSOR_UNITS),
    location: z.object({
      site: z.string().min(1),
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
    }),
    ts: z.number().int().nonnegative(),
  })
  .refine((reading) => reading.unit === SENSOR_RANGES[reading.type].unit, {
    error: 'unit does not match the sensor type',
    path: ['unit'],
  }) satisfies z.ZodType<SensorReading>;

/** True when a reading is outside its sensor type's normal range: what a consumer alerts on. */
export function isOutOfRange(reading: Pick<SensorReading, 'type' | 'value'>): boolean {
  const range = SENSOR_RANGES[reading.type];
  return reading.value > range.max || reading.value < range.min;
}

// Baselines, daily swing and noise chosen so that baseline ± swing ± 3·noise stays well inside
// SENSOR_RANGES: only injected faults ever cross a threshold.
const BEHAVIOUR: Record<SensorType, { baselineLow: number; baselineHigh: number; dailySwing: number; noise: number }> = {
  temperature: { baselineLow: 12, baselineHigh: 28, dailySwing: 4, noise: 0.5 },
  humidity: { baselineLow: 35, baselineHigh: 65, dailySwing: 10, noise: 2 },
  pressure: { baselineLow: 995, baselineHigh: 1_025, dailySwing: 1.5, noise: 0.4 },
};

const pickType = weightedPicker<SensorType>([
  ['temperature', 0.6],
  ['humidity', 0.25],
  ['pressure', 0.15],
]);

const SITES = [
  { site: 'amsterdam-dc', lat: 52.3676, lon: 4.9041 },
  { site: 'frankfurt-plant', lat: 50.1109, lon: 8.6821 },
  { site: 'london-office', lat: 51.5072, lon: -0.1276 },
  { site: 'dublin-warehouse', lat: 53.3498, lon: -6.2603 },
  { site: 'madrid-depot', lat: 40.4168, lon: -3.7038 },
  { site: 'stockholm-lab', lat: 59.3293, lon: 18.0686 },
  { site: 'milan-factory', lat: 45.4642, lon: 9.19 },
  { site: 'warsaw-hub', lat: 52.2297, lon: 21.0122 },
] as const;

const DAY_MS = 86_400_000;
const TWO_PI = 2 * Math.PI;
// separate stream so one seed gives unrelated sequences to each workload
const SENSOR_READINGS_STREAM = 0x5e4507;

const round = (value: number, factor: number) => Math.round(value * factor) / factor;

export function createSensorReadingsWorkload(options: WorkloadOptions): Workload<SensorReading> {
  const seedHash = mixSeed(SENSOR_READINGS_STREAM, options.seed);
  const { outOfRangeRate } = options;
  const rng = new Prng(0);
  const sensorRng = new Prng(0);
  return {
    name: 'sensor-readings',
    generate({ seq, key, timestampMs }) {
      // the sensor's fixed traits come from its key, so they hold across records and runs
      sensorRng.reseed(mixSeed(seedHash, hashString(key)));
      const type = pickType(sensorRng.next());
      const behaviour = BEHAVIOUR[type];
      const baseline = behaviour.baselineLow + sensorRng.next() * (behaviour.baselineHigh - behaviour.baselineLow);
      const phase = sensorRng.next() * TWO_PI;
      const site = SITES[sensorRng.int(SITES.length)] as (typeof SITES)[number];
      const lat = round(site.lat + (sensorRng.next() - 0.5) * 0.02, 100_000);
      const lon = round(site.lon + (sensorRng.next() - 0.5) * 0.02, 100_000);

      rng.reseed(mixSeed(seedHash, seq));
      const range = SENSOR_RANGES[type];
      let value: number;
      if (rng.next() < outOfRangeRate) {
        // a faulty sensor: 5% to 50% of the range above its maximum
        value = range.max + (range.max - range.min) * (0.05 + 0.45 * rng.next());
      } else {
        // the sum of three uniforms is a cheap bounded bell curve: standard deviation 1, at most ±3
        const bell = (rng.next() + rng.next() + rng.next() - 1.5) * 2;
        value = baseline + behaviour.dailySwing * Math.sin(TWO_PI * ((timestampMs % DAY_MS) / DAY_MS) + phase) + behaviour.noise * bell;
      }
      return {
        sensorId: key,
        type,
        value: round(value, 100),
        unit: range.unit,
        location: { site: site.site, lat, lon },
        ts: timestampMs,
      };
    },
  };
}
