import { describe, expect, it } from 'vitest';
import { createSensorReadingsWorkload, isOutOfRange, SENSOR_RANGES, SENSOR_TYPES, sensorReadingSchema, type SensorReading } from './sensor-readings.js';
import { defaultWorkloadOptions } from './workload.js';

const T0 = Date.UTC(2025, 0, 1);
const sensorKey = (sensor: number) => `sensor-${String(sensor).padStart(6, '0')}`;
const ctx = (seq: number) => ({ seq, key: sensorKey(seq % 100), timestampMs: T0 + seq * 1_000 });
const workload = (options: { seed?: number; outOfRangeRate?: number } = {}) => createSensorReadingsWorkload({ ...defaultWorkloadOptions, ...options });

describe('sensor-readings workload', () => {
  it('makes readings that pass their schema, with the key as sensor id and the timestamp as ts', () => {
    const readings = workload({ outOfRangeRate: 0.05 });
    const bad = Array.from({ length: 10_000 }, (_, seq) => ({ seq, reading: readings.generate(ctx(seq)) })).filter(
      ({ seq, reading }) => !sensorReadingSchema.safeParse(reading).success || reading.sensorId !== ctx(seq).key || reading.ts !== ctx(seq).timestampMs,
    );
    expect(bad).toEqual([]);
  });

  it('rejects a reading whose unit does not match its type', () => {
    const reading = workload().generate(ctx(0));
    const wrongUnit = reading.type === 'temperature' ? 'hPa' : '°C';
    expect(sensorReadingSchema.safeParse({ ...reading, unit: wrongUnit }).success).toBe(false);
  });

  it('is deterministic per seed and independent of call order', () => {
    const a = workload({ seed: 3 });
    const b = workload({ seed: 3 });
    const forward = Array.from({ length: 100 }, (_, seq) => a.generate(ctx(seq)));
    expect(Array.from({ length: 100 }, (_, i) => b.generate(ctx(99 - i))).reverse()).toEqual(forward);
    const other = workload({ seed: 4 });
    expect(Array.from({ length: 100 }, (_, seq) => other.generate(ctx(seq)))).not.toEqual(forward);
  });

  describe.each([
    { rate: 0, tolerance: 0 },
    { rate: 0.005, tolerance: 0.001 },
    { rate: 0.05, tolerance: 0.003 },
    { rate: 1, tolerance: 0 },
  ])('with out-of-range rate $rate over 100,000 readings', ({ rate, tolerance }) => {
    const readings = workload({ outOfRangeRate: rate });
    const all = Array.from({ length: 100_000 }, (_, seq) => readings.generate(ctx(seq)));
    const out = all.filter((reading) => isOutOfRange(reading));

    it(`has ≈ ${rate} of them out of range (± ${tolerance})`, () => {
      expect(Math.abs(out.length / all.length - rate)).toBeLessThanOrEqual(tolerance);
    });

    it('puts out-of-range readings above the maximum and the others strictly inside the range', () => {
      expect(out.filter((reading) => !(reading.value > SENSOR_RANGES[reading.type].max))).toEqual([]);
      const strictlyInside = (reading: SensorReading) => reading.value > SENSOR_RANGES[reading.type].min && reading.value < SENSOR_RANGES[reading.type].max;
      expect(all.filter((reading) => !isOutOfRange(reading) && !strictlyInside(reading))).toEqual([]);
    });
  });

  it('keeps type, unit and location per sensor, and the value near a per-sensor baseline', () => {
    const readings = workload({ outOfRangeRate: 0 });
    const types = new Set<string>();
    for (let sensor = 0; sensor < 50; sensor += 1) {
      // a day at 15-minute intervals
      const day: SensorReading[] = Array.from({ length: 96 }, (_, i) => readings.generate({ seq: sensor * 1_000 + i, key: sensorKey(sensor), timestampMs: T0 + i * 900_000 }));
      const first = day[0] as SensorReading;
      types.add(first.type);
      expect(first.unit).toBe(SENSOR_RANGES[first.type].unit);
      expect(day.filter((reading) => reading.type !== first.type || reading.unit !== first.unit || JSON.stringify(reading.location) !== JSON.stringify(first.location))).toEqual([]);
      const values = day.map((reading) => reading.value);
      // a daily swing plus noise, nowhere near the whole range
      expect(Math.max(...values) - Math.min(...values)).toBeLessThan((SENSOR_RANGES[first.type].max - SENSOR_RANGES[first.type].min) / 2);
      expect(new Set(values).size).toBeGreaterThan(10);
    }
    expect([...types].sort()).toEqual([...SENSOR_TYPES].sort());
  });

  it.each([
    { type: 'temperature' as const, value: 100, out: false },
    { type: 'temperature' as const, value: 100.01, out: true },
    { type: 'temperature' as const, value: -40.5, out: true },
    { type: 'humidity' as const, value: 100.5, out: true },
    { type: 'pressure' as const, value: 1_013.25, out: false },
  ])('isOutOfRange($type, $value) is $out', ({ type, value, out }) => {
    expect(isOutOfRange({ type, value })).toBe(out);
  });
});
